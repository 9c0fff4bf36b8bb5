// Every illegal VS trace breaks the condition it is named after, and the exact set of conditions
// it breaks is stated here, so that a trace breaking more than intended (or a checker blaming
// too much) is noticed.
using Evs.Reference.Checking.VirtualSynchrony;
using Xunit;

namespace SpecTests.VirtualSynchrony;

public class VsIllegalTraceTests
{
    /// <summary>For each illegal trace, every condition it breaks.</summary>
    private static readonly Dictionary<string, string[]> Breaks = new()
    {
        ["C1-delivered-but-never-sent.jsonl"] = ["C1"],
        ["C2-sent-but-never-delivered.jsonl"] = ["C2"],
        ["C3-member-never-delivers.jsonl"] = ["C3"],
        // The revision excludes a failed sender's message only if no member that does not fail
        // delivered it; here q did, so r must too.
        ["C3-failed-senders-message-delivered-by-only-some-live-members.jsonl"] = ["C3"],
        ["L1-each-message-delivered-before-the-other-is-sent.jsonl"] = ["L1"],
        ["L2-two-events-share-an-index.jsonl"] = ["L2"],
        ["L2-index-skips-a-number.jsonl"] = ["L2"],
        ["L2-event-after-stop.jsonl"] = ["L2"],
        ["L3-views-installed-in-opposite-orders.jsonl"] = ["L3"],
        ["L3-one-view-with-two-member-lists.jsonl"] = ["L3"],
        ["L3-member-skips-a-view-that-lists-it.jsonl"] = ["L3"],
        ["L4-delivered-in-a-later-view.jsonl"] = ["L4"],
        ["L4-sent-before-any-view.jsonl"] = ["L4"],
        ["L5-abcast-delivered-in-opposite-orders.jsonl"] = ["L5"],
        // Recorded, nothing is out of order; but Extend must give the failed p the earlier abcast
        // message after the later one it delivered, and no time can then satisfy L5.
        ["L5-failed-process-delivers-a-later-abcast-without-an-earlier-one.jsonl"] = ["L5"],
    };

    public static TheoryData<string> Illegal => VsTraceFiles.Names("illegal");

    [Theory]
    [MemberData(nameof(Illegal))]
    public void An_illegal_trace_breaks_exactly_the_conditions_stated_for_it(string name)
    {
        Assert.True(Breaks.ContainsKey(name), $"state which conditions {name} breaks");
        var report = VsTraceFiles.Check("illegal", name);
        Assert.Contains(VsTraceFiles.NamedCondition(name), report.FailedSpecs);
        Assert.Equal(Breaks[name].Order(), report.FailedSpecs.Order());
        foreach (var verdict in report.Verdicts.Where(v => !v.Passed))
            Assert.NotEmpty(verdict.Violation!.Events);
    }

    [Fact]
    public void Every_condition_has_an_illegal_trace_named_after_it()
    {
        var named = Directory.GetFiles(VsTraceFiles.Folder("illegal"), "*.jsonl").Select(path => VsTraceFiles.NamedCondition(Path.GetFileName(path))).ToHashSet();
        Assert.Empty(VirtualSynchronyChecker.ConditionNames.Except(named));
    }

    [Fact]
    public void Every_illegal_trace_is_listed_with_the_conditions_it_breaks()
    {
        var files = Directory.GetFiles(VsTraceFiles.Folder("illegal"), "*.jsonl").Select(Path.GetFileName).ToHashSet();
        Assert.Equal(Breaks.Keys.Order(), files.Order());
    }
}
