// Issue #13, items 2 and 3: a node drops what no correct process sends (Node/ClaimBounds, a token
// from another than its predecessor, retransmission requests nobody needs), and gives a ring up
// when it keeps failing to receive. Each of these rests on an invariant of Totem that correct
// processes keep; were one wrong, a correct cluster would lose packets to it, and its runs would
// change. So on generated runs, where every packet comes from a correct process, none may be
// dropped so, and no ring may be given up: on fault schedules (partitions, heals, crashes,
// recoveries, loss, duplication) and on fixed rings under bursts, loss and duplication.
using Evs.Reference.Simulation;
using FsCheck;
using FsCheck.Fluent;

namespace SpecTests.Properties;

public class ClaimBoundProperties
{
    [CorrectClusterProperty]
    public Property With_faults_a_correct_cluster_drops_nothing_as_out_of_bounds_or_misaddressed_and_never_fails_to_receive(GeneratedScenario run) =>
        NothingDropped(run);

    [FixedRingProperty]
    public Property On_a_busy_lossy_ring_a_correct_cluster_drops_nothing_as_out_of_bounds_or_misaddressed_and_never_fails_to_receive(GeneratedScenario run) =>
        NothingDropped(run);

    private static Property NothingDropped(GeneratedScenario run)
    {
        SimulationSummary summary = run.Result.Summary;
        var drops = summary.Drops;
        bool none = drops.OutOfBounds == 0 && drops.Misaddressed == 0 && drops.DroppedRequests == 0 && summary.Ordering.FailuresToReceive == 0;
        return none.Label($"out of bounds {drops.OutOfBounds}, misaddressed {drops.Misaddressed}, requests dropped {drops.DroppedRequests}, " +
                          $"failures to receive {summary.Ordering.FailuresToReceive}\n{run}");
    }
}
