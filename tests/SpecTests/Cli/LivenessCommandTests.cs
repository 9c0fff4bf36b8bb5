// `evs liveness` on the hostile built-in scenarios (issue #17, item 2), as a user runs it: after
// each change of the network, whether and how fast the membership settled, a row per kind of change.
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Cli;

[Collection(CliCollection.Name)]
public sealed class LivenessCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evs-liveness-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Over_one_way_links_every_change_is_followed_by_a_settled_membership_and_each_kind_has_its_row()
    {
        var (code, text) = await EvsProcess.RunAsync(output, _directory, "liveness", "--scenario", "one-way", "--runs", "2");
        Assert.Equal(0, code);
        // Five changes a run: three one-way faults, the mend, the stop.
        Assert.Contains("10 changes of the world.", Flat(text));
        Assert.Contains("After 10 the membership settled", Flat(text));
        Assert.Contains("links []", text);
        Assert.Contains("(mended)", text);
        Assert.Contains("stop (heal)", text);
    }

    [Fact]
    public async Task A_flapping_link_s_flaps_are_rows_of_their_own_apart_from_the_changes_followed_by_a_rest()
    {
        var (code, text) = await EvsProcess.RunAsync(output, _directory, "liveness", "--scenario", "flapping", "--runs", "1");
        Assert.Equal(0, code);
        Assert.Contains("in a burst (next change within 2 s)", Flat(text));
        Assert.Contains("66 changes of the world.", Flat(text));
    }

    // The table and the sentence under it wrap at the terminal's width: read them as one line.
    private static string Flat(string text) => Regex.Replace(text, @"[\s│]+", " ");
}
