// What a ring must do beyond the specifications' letter when no process fails and the network
// never splits (loss, duplication and delay only): every message sent is delivered by every
// process, all in one total order, even if the ring reforms after a lost token.
using Evs.Reference.Model;
using FsCheck;
using FsCheck.Fluent;

namespace SpecTests.Properties;

public class RingProperties
{
    [FixedRingProperty]
    public Property Every_message_sent_is_delivered_by_every_process_in_one_total_order(GeneratedScenario run)
    {
        var events = run.Result.Trace.Events;
        var sent = events.OfType<Send>().Select(s => s.Message).ToHashSet();
        var orders = events.OfType<Deliver>().GroupBy(d => d.Process).ToDictionary(g => g.Key, g => g.Select(d => d.Message).ToList());
        var processes = run.Scenario.Processes;
        var reference = orders.GetValueOrDefault(processes[0], []);
        string? problem =
            !run.Result.Summary.Quiescent ? "not quiescent"
            : processes.FirstOrDefault(p => !orders.GetValueOrDefault(p, []).SequenceEqual(reference)) is { Name: not null } p ? $"{p} delivered in another order than {processes[0]}"
            : reference.Count != sent.Count || !reference.ToHashSet().SetEquals(sent) ? $"{reference.Count} delivered, {sent.Count} sent"
            : null;
        return (problem is null).Label($"{problem}\n{run}");
    }
}
