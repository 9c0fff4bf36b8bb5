// The hard cases of the recovery algorithm, named (issue #15, item 3): the situations a run must go
// through before "every specification held" says much about it. The simulator counts, per run, how
// often it went through each (Simulation/CoverageObserver), from what it sees of the nodes between
// two inputs and of the network when it drops a packet; nothing in the protocol counts them.
// docs/COVERAGE.md defines each one with the paper's words; the summaries below are the same.
namespace Evs.Reference.Simulation;

/// <summary>A named situation a simulated run may go through.</summary>
public enum Situation
{
    /// <summary>
    /// "If a failure occurs during execution of the recovery algorithm, then the membership algorithm
    /// is invoked and the recovery algorithm is restarted at Step 2." A process crashes, or a partition
    /// cuts a proposed configuration, while a member of it is in step 2 ("Buffer or reject all new
    /// messages from the application"): at any point of its attempt, Totem's Commit or Recovery state.
    /// </summary>
    FailureDuringStep2 = 1,

    /// <summary>
    /// A failure while a member of the proposed configuration is in step 3, "Exchange information with
    /// each process of the proposed new configuration": the commit token circulates (Commit state).
    /// </summary>
    FailureDuringStep3 = 2,

    /// <summary>
    /// A failure while a member is in step 4, "Determine the members of the proposed transitional
    /// configuration … Determine the messages to be rebroadcast": the exchange is complete at that
    /// member and the proposed ring's token has not yet come to start its rebroadcasts.
    /// </summary>
    FailureDuringStep4 = 3,

    /// <summary>
    /// A failure while a member is in step 5, "Rebroadcast messages as required by Step 4.b and
    /// acknowledge receipt of such messages": the proposed ring's token has visited it, it has not installed.
    /// </summary>
    FailureDuringStep5 = 4,

    /// <summary>
    /// A failure while the proposed ring is in step 6, "performed locally as an atomic action": some
    /// member has installed the new regular configuration (6.e) and some live member not yet.
    /// </summary>
    FailureDuringStep6 = 5,

    /// <summary>
    /// The network loses a commit token on its way to a process in Gather that it could reach: the
    /// token that should have told it "the membership and identifier of a proposed new configuration".
    /// (A packet cut off by a partition is not a loss: the partition is a failure.)
    /// </summary>
    TokenLossInGather = 6,

    /// <summary>The network loses a commit token of the proposed ring on its way to a member in Commit (step 3's exchange).</summary>
    TokenLossInCommit = 7,

    /// <summary>The network loses a token or commit token of the proposed ring on its way to a member in Recovery (steps 4 and 5).</summary>
    TokenLossInRecovery = 8,

    /// <summary>
    /// A membership change that adds processes while recovery is under way: a process's attempt is
    /// interrupted and its next attempt ("restarted at Step 2") proposes a configuration with a
    /// process the interrupted one did not have.
    /// </summary>
    MergeDuringRecovery = 9,

    /// <summary>
    /// Section 3.2, proof of Specification 7.1: "If such a process has acknowledged receipt of all of
    /// the rebroadcast messages, it is possible that some other process may have completed the
    /// recovery algorithm and installed the next regular configuration before the failure occurred.
    /// The other process may have delivered messages as safe in the transitional configuration,
    /// relying on the acknowledgment supplied by this process. The concept of obligation ensures that
    /// these messages are indeed delivered by all of the processes needed." Observed: p installed a
    /// ring after delivering a safe message in its transitional configuration; q, a member of that
    /// transitional configuration, never installed the ring (its attempt was interrupted, and it did
    /// not crash), and q's next step 6 ran with p in its obligation set.
    /// </summary>
    Section32Case = 10,

    /// <summary>A process that crashed while it was itself in step 5 starts again from its stable storage.</summary>
    RecoveryAfterFailureInStep5 = 11,

    /// <summary>
    /// With a primary component algorithm only (Section 5): after some process installed a primary
    /// component, every live process's last regular configuration is a non-primary one (the primary
    /// component is lost), and later a process installs a primary component again.
    /// </summary>
    PrimaryComponentLostAndRegained = 12,
}

/// <summary>The situations as tables name them.</summary>
public static class SituationNames
{
    /// <summary>A short name in words: <c>failure during step 5</c>, <c>token loss in Commit</c>.</summary>
    public static string ToLabel(this Situation situation) => situation switch
    {
        Situation.FailureDuringStep2 => "failure during step 2",
        Situation.FailureDuringStep3 => "failure during step 3",
        Situation.FailureDuringStep4 => "failure during step 4",
        Situation.FailureDuringStep5 => "failure during step 5",
        Situation.FailureDuringStep6 => "failure during step 6",
        Situation.TokenLossInGather => "token loss in Gather",
        Situation.TokenLossInCommit => "token loss in Commit",
        Situation.TokenLossInRecovery => "token loss in Recovery",
        Situation.MergeDuringRecovery => "merge during recovery",
        Situation.Section32Case => "the case of Section 3.2",
        Situation.RecoveryAfterFailureInStep5 => "recovery of a process failed in step 5",
        Situation.PrimaryComponentLostAndRegained => "primary component lost and regained",
        _ => throw new ArgumentOutOfRangeException(nameof(situation), situation, "not a situation"),
    };
}
