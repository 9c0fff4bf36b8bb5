// The transcripts of testdata/ (stories of the paper's Section 3 on Totem's single ring: one per
// Totem state transition, one per recovery step, the case of Section 3.2, the token hold), one
// test each; and the runner's own promises: it compares unless told to rewrite, and a changed
// output fails with a diff that names the file and the command's line.
using Xunit;

namespace SpecTests.Transcripts;

public sealed class TranscriptTests
{
    private static readonly string Copies = Path.Combine(AppContext.BaseDirectory, "Transcripts", "testdata");

    /// <summary>The transcript files next to the test assembly (the csproj copies them there), by name.</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Copies, "*.txt").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Transcript(string file) =>
        TranscriptRunner.Verify(Path.Combine(Copies, file), Path.Combine(SourceFolder(), file), TranscriptRunner.Rewriting);

    private const string Story = """
        # p sends on a ring of one.
        nodes p
        ----

        start-in-ring p
        ----
        p: Operational (R1.p {p})
        p: persist max-seq=1 last=R1.p
        p: deliver_conf regular R1.p {p}
        p: to p: token R1.p hop=1 seq=0 aru=0
        p: timers +token-retransmit +token-loss +merge-detect

        send p agreed x
        ----

        deliver p
        ----
        p -> p  token R1.p hop=1 seq=0 aru=0
          p: a line that is not what p does
          p: to all: msg R1.p seq=1 x (p.1.1 agreed)
          p: to p: token R1.p hop=2 seq=1 aru=1 fcc=1
          p: deliver x (p.1.1 agreed) in R1.p
        """;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("false")]
    public void The_rewrite_mode_is_off_unless_the_variable_says_1_or_true(string? value) =>
        Assert.False(TranscriptRunner.RewriteRequested(value));

    [Fact]
    public void The_rewrite_mode_is_on_when_the_variable_says_1_or_true()
    {
        Assert.True(TranscriptRunner.RewriteRequested("1"));
        Assert.True(TranscriptRunner.RewriteRequested("true"));
    }

    [Fact]
    public void A_changed_expected_line_fails_with_a_diff_naming_the_file_and_the_command_s_line()
    {
        var run = TranscriptRunner.Run("story.txt", Story);

        var mismatch = Assert.Single(run.Mismatches);
        Assert.Equal(16, mismatch.Command.Line);
        var report = TranscriptRunner.Report(run)!;
        Assert.StartsWith("story.txt:16: deliver p\n", report);
        Assert.Contains("\n      p -> p  token R1.p hop=1 seq=0 aru=0\n", report);
        Assert.Contains("\n    -   p: a line that is not what p does\n    +   p: sent x (p.1.1 agreed) in R1.p\n", report);
        Assert.Contains("\n        p: deliver x (p.1.1 agreed) in R1.p\n", report);
    }

    [Fact]
    public void Without_the_rewrite_mode_a_mismatch_throws_and_the_file_is_left_as_it_was()
    {
        string folder = Directory.CreateTempSubdirectory("evs-transcript-").FullName;
        try
        {
            string path = Path.Combine(folder, "story.txt");
            File.WriteAllText(path, Story);
            var failure = Assert.Throws<TranscriptMismatchException>(() => TranscriptRunner.Verify(path, path, rewrite: false));
            Assert.Contains("story.txt:16: deliver p", failure.Message);
            Assert.Equal(Story, File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_rewrite_mode_writes_the_actual_outputs_under_the_commands_and_keeps_the_comments()
    {
        string folder = Directory.CreateTempSubdirectory("evs-transcript-").FullName;
        try
        {
            string path = Path.Combine(folder, "story.txt");
            File.WriteAllText(path, Story);
            TranscriptRunner.Verify(path, path, rewrite: true);
            string rewritten = File.ReadAllText(path);
            Assert.StartsWith("# p sends on a ring of one.\nnodes p\n----\n\nstart-in-ring p\n", rewritten);
            Assert.Contains("deliver p\n----\np -> p  token R1.p hop=1 seq=0 aru=0\n  p: sent x (p.1.1 agreed) in R1.p\n", rewritten);
            Assert.DoesNotContain("not what p does", rewritten);
            Assert.Null(TranscriptRunner.Report(TranscriptRunner.Run("story.txt", rewritten)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_command_that_cannot_be_carried_out_names_the_file_and_its_line()
    {
        var failure = Assert.Throws<TranscriptException>(() => TranscriptRunner.Run("bad.txt", "nodes p q\n----\n\nfire p lunch\n----\n"));
        Assert.StartsWith("bad.txt:4: no timer is called \"lunch\"", failure.Message);
    }

    // The folder of the transcripts in the source tree, which the rewrite mode writes to.
    private static string SourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Evs.Reference.sln")))
                return Path.Combine(dir.FullName, "tests", "SpecTests", "Transcripts", "testdata");
        throw new InvalidOperationException("the repository (the folder holding Evs.Reference.sln) is not above the test assembly");
    }
}
