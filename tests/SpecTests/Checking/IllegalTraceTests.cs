// Every illegal trace breaks the specification it is named after, and the exact set of
// specifications it breaks is stated here, so that a trace breaking more than intended (or a
// checker blaming too much) is noticed.
using Evs.Reference.Checking;
using Xunit;

namespace SpecTests.Checking;

public class IllegalTraceTests
{
    /// <summary>For each illegal trace, every specification it breaks.</summary>
    private static readonly Dictionary<string, string[]> Breaks = new()
    {
        // A cycle in -> breaks 1.1, and with it 6.1: no ord can increase along a cycle.
        ["spec-1.1-delivers-before-sending.jsonl"] = ["1.1", "6.1"],
        ["spec-1.2-two-events-share-an-index.jsonl"] = ["1.2"],
        ["spec-1.3-delivered-but-never-sent.jsonl"] = ["1.3"],
        ["spec-1.3-delivered-payload-differs-from-sent.jsonl"] = ["1.3"],
        ["spec-1.4-message-sent-twice.jsonl"] = ["1.4"],
        ["spec-2.1-member-never-installs.jsonl"] = ["2.1"],
        ["spec-2.2-delivery-after-leaving-the-configuration.jsonl"] = ["2.2"],
        // A send before the process's first configuration: 2.2 reports it; Specification 3 has no
        // configuration to judge it in (the checker once failed with an exception here).
        ["spec-2.2-send-before-any-configuration.jsonl"] = ["2.2"],
        // Section 2's "all processes in a configuration agree on the membership": 2.2 reports it.
        ["spec-2.2-one-identifier-two-memberships.jsonl"] = ["2.2"],
        // A failed process has no events before its recovery: 2.2 reports a send after the fail.
        ["spec-2.2-sends-after-failing.jsonl"] = ["2.2"],
        // 2.3 and 2.4 are one statement seen from its two sides: an event between p's and q's
        // change to c follows p's but not q's (2.3) and precedes q's but not p's (2.4). Either
        // makes -> cyclic, so no ord satisfies 6.1 either. No trace can break only one of them.
        ["spec-2.3-members-change-configurations-in-opposite-orders.jsonl"] = ["2.3", "2.4", "6.1"],
        // Here q delivers m in a transitional configuration of R1.p before installing R1.p, which
        // is also a transitional configuration before its reg: M.2.
        ["spec-2.4-event-precedes-one-members-change-but-follows-anothers.jsonl"] = ["2.3", "2.4", "6.1", "M.2"],
        ["spec-3-sender-moves-on-without-delivering-its-message.jsonl"] = ["3"],
        ["spec-4-members-proceed-together-with-different-messages.jsonl"] = ["4"],
        ["spec-5-causal-predecessor-not-delivered.jsonl"] = ["5"],
        // 6.1 fails exactly when -> is cyclic, which 1.1 (or 2.3/2.4) reports too.
        ["spec-6.1-no-ord-when-precedes-is-cyclic.jsonl"] = ["1.1", "6.1"],
        ["spec-6.2-members-deliver-two-messages-in-opposite-orders.jsonl"] = ["6.2"],
        ["spec-6.3-member-skips-a-message-ordered-before-one-it-delivers.jsonl"] = ["6.3"],
        ["spec-7.1-safe-not-delivered-by-member.jsonl"] = ["7.1"],
        // No trace breaks 7.2 alone: on a quiescent trace 7.1 has every member q of R1.p deliver m
        // or fail in com_q(R1.p), which 2.2 (for a fail) and M.2 (for a transitional configuration
        // of R1.p) allow only after q installs R1.p. Here q delivers m in T2.q/R1.p, never in R1.p.
        ["spec-7.2-safe-delivered-but-member-never-installs-the-configuration.jsonl"] = ["7.2", "M.2"],
        ["spec-PC.1-two-concurrent-primary-components.jsonl"] = ["PC.1"],
        ["spec-PC.2-consecutive-primary-components-share-no-member.jsonl"] = ["PC.2"],
        ["spec-M.1-recovers-into-a-configuration-with-another-member.jsonl"] = ["M.1"],
        ["spec-M.2-two-transitional-configurations-in-a-row.jsonl"] = ["M.2"],
    };

    public static TheoryData<string> Illegal => TraceFiles.Names("illegal");

    [Theory]
    [MemberData(nameof(Illegal))]
    public void An_illegal_trace_breaks_exactly_the_specifications_stated_for_it(string name)
    {
        Assert.True(Breaks.ContainsKey(name), $"state which specifications {name} breaks");
        var report = TraceFiles.Check("illegal", name);
        Assert.Contains(TraceFiles.NamedSpec(name), report.FailedSpecs);
        Assert.Equal(Breaks[name].Order(), report.FailedSpecs.Order());
        foreach (var verdict in report.Verdicts.Where(v => !v.Passed))
            Assert.NotEmpty(verdict.Violation!.Events);
    }

    [Fact]
    public void Every_specification_has_an_illegal_trace_named_after_it()
    {
        var named = Directory.GetFiles(TraceFiles.Folder("illegal"), "*.jsonl").Select(path => TraceFiles.NamedSpec(Path.GetFileName(path))).ToHashSet();
        Assert.Empty(SpecificationChecker.SpecNames.Except(named));
    }
}
