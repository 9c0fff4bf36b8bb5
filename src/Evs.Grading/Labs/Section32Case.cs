// The case of the paper's Section 3.2, proof of Specification 7.1, built by hand: random fault
// schedules reach it too rarely to grade by (a failure must interrupt a recovery just after this
// process acknowledged every rebroadcast and just before it installed), so lab 3 also plays it
// out directly, on the student's ObligationSet and Step5Rebroadcast and the library's step 6.
// It is the story of Step5RebroadcastTests.Section32_..., told to a student who got it wrong.
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;

namespace Evs.Grading.Labs;

/// <summary>
/// "If such a process has acknowledged receipt of all of the rebroadcast messages, it is possible
/// that some other process may have completed the recovery algorithm and installed the next
/// regular configuration before the failure occurred. … The concept of obligation ensures that
/// these messages are indeed delivered by all of the processes needed."
/// </summary>
public static class Section32Case
{
    /// <summary>The row's name in a lab's report.</summary>
    public const string Spec = "3.2";

    /// <summary>Where the case stands among the schedules: before the first, which is 0.</summary>
    public const int Index = -1;

    /// <summary>The row's title.</summary>
    public const string Title = "Section 3.2: an interrupted recovery keeps its obligations (5.c), so 7.1 holds";

    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r"), S = new("s"), T = new("t");
    private static readonly RingId OldRing = new(1, P);
    private static readonly Configuration Pqr = Configuration.Regular(OldRing, [P, Q, R]);

    /// <summary>Null when the case comes out as the paper says; otherwise what went wrong.</summary>
    public static string? Check()
    {
        // First attempt, towards {q,r,s,t}: q and r come from {p,q,r}; r is itself obligated to t.
        // q acknowledges every rebroadcast, so r may install and deliver relying on it.
        var first = new Step5Rebroadcast([Info(Q, ObligationSet.Empty), Info(R, ObligationSet.Empty.With([T]))]);
        var obligations = first.Extend(ObligationSet.Empty);
        var expected = ObligationSet.Empty.With([Q, R, T]);
        if (!obligations.Equals(expected))
            return $"5.c: q acknowledged every rebroadcast of a recovery whose transitional configuration is {{q,r}}, and r is obligated to {{t}}; " +
                   $"q's obligation set must then be {expected}, but Extend gives {obligations}.";

        // The attempt fails; q restarts without r, alone in its transitional configuration. It
        // holds its own message k (1, delivered) and r's message n (3), which follows p's message 2
        // that nobody left holds. r may have delivered n in {q,r}, relying on q: q must deliver it too.
        var old = new TotemRing(Q, OldRing, Pqr, TotemSettings.Simulation);
        old.Receive(Message(1, Q, "k"), []);
        old.Receive(Message(3, R, "n"), []);
        var retry = new RingId(6, Q);
        var outputs = new Step6Delivery(old, [Info(Q, ObligationSet.Empty)], obligations, retry, Configuration.Regular(retry, [Q, S, T])).Perform();
        bool deliversN = outputs.OfType<MessageDelivered>().Any(d => d.Message == new MessageId("n"));
        return deliversN ? null
            : $"q, obligated to {obligations} after the interrupted recovery, restarts without r and discards r's message n " +
              "(it follows p's unavailable message); r may have delivered n as safe relying on q's acknowledgment, so Specification 7.1 fails. " +
              "Step 6.a keeps the messages of every process in the obligation set: check ObligationSet.Contains and With.";
    }

    private static MemberInfo Info(ProcessId process, ObligationSet obligations) => new(process, Pqr, 0, 0, 0, 0, obligations);

    private static RegularMessage Message(long seq, ProcessId originator, string name) =>
        new(originator, OldRing, seq, new MessageId(name), originator, DeliveryService.Agreed, [(byte)seq]);
}
