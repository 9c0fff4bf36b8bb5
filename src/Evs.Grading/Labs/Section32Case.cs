// The case of the paper's Section 3.2, proof of Specification 7.1, built by hand: random fault
// schedules reach it too rarely to grade by (a failure must interrupt a recovery just after this
// process acknowledged every rebroadcast and just before it installed), so labs 3 and 6 also play
// it out directly. It has three parts, and all must hold for 7.1 to hold: the process that
// installs first waits until every member has acknowledged the rebroadcasts knowing that no more
// come (5.b's end, Step5Rebroadcast.Ends: lab 6); a member makes that acknowledgment, and takes on
// its obligations, exactly when it holds every rebroadcast and knows that no more come
// (Step5Rebroadcast.AcknowledgesAll: lab 6); and a member that did acknowledge them keeps its
// obligations into the next attempt (5.c, ObligationSet.Extend: lab 3), with the library's step 6.
// It is the story of Step5RebroadcastTests.Section32_..., told to a student who got it wrong.
using System.Collections.Immutable;
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

    /// <summary>The row's title.</summary>
    public const string Title = "Section 3.2: recovery ends only after every member's 5.c, and an interrupted one keeps its obligations, so 7.1 holds";

    private static readonly ProcessId P = new("p"), Q = new("q"), R = new("r"), S = new("s"), T = new("t");
    private static readonly RingId OldRing = new(1, P);
    private static readonly Configuration Pqr = Configuration.Regular(OldRing, [P, Q, R]);
    private static readonly RingId FirstAttempt = new(5, Q);
    private static readonly Configuration Qrst = Configuration.Regular(FirstAttempt, [Q, R, S, T]);

    /// <summary>Null when the case comes out as the paper says; otherwise what went wrong.</summary>
    public static string? Check() => EndOfStep5b() ?? AcknowledgmentOf5c() ?? ObligationsKept();

    // The first attempt, towards {q,r,s,t}, seen by r, which may install first: two old messages,
    // k and n, are rebroadcast on the new ring. At r's second visit the token shows for the first
    // time that every member has received both; but q acknowledged them (its aru on the token) at
    // its own visit before, when it could not know that no more would come, so it has not yet
    // made 5.c's acknowledgment nor taken on its obligations. r must wait one more visit. And
    // while the token shows that some member still lacks n, step 5 does not end at all.
    private static string? EndOfStep5b()
    {
        const string why = "r would install and deliver n as safe relying on q's acknowledgment; if the attempt then fails, q restarts free of " +
                           "any obligation to r and discards n, and Specification 7.1 fails. 5.b ends at the visit after the one at which AllAcknowledged first holds.";
        var ends = EndsAtVisits(tokenAru: 2, visits: 3);
        if (ends[0])
            return "5.b: Step5Rebroadcast.Ends ended step 5 at r's first visit of the new ring's token, where nobody can know that no more " +
                   $"rebroadcasts will come (the others have not held the token yet). {why}";
        if (ends[1])
            return "5.b: Step5Rebroadcast.Ends ended step 5 at r's second visit of the new ring's token. That is the first visit at which every " +
                   "member is known to have received both rebroadcasts, but q acknowledged them at its visit before, when it could not know " +
                   $"that no more would come, so it has not taken on its obligations (5.c). {why}";
        if (!ends[2])
            return "5.b: Step5Rebroadcast.Ends did not end step 5 at r's third visit, although at its second every member was known to have " +
                   "received every rebroadcast and no more were coming, and every other member has held the token since: recovery would never end.";
        int early = EndsAtVisits(tokenAru: 1, visits: 4).IndexOf(true);
        return early < 0 ? null
            : $"5.b: Step5Rebroadcast.Ends ended step 5 at r's visit {early + 1} of the new ring's token, although the token's aru (1) shows " +
              "that some member has not received the second rebroadcast, n: \"Continue Step 5.a until all processes in the proposed " +
              "transitional configuration of this process acknowledge having received all of the rebroadcast messages.\" r would install " +
              "and deliver n; a member without n cannot, and Specifications 4 and 7.1 fail. r has both: what it alone holds is not enough.";
    }

    // What Ends says at each of r's visits of the first attempt's token, when the token's aru (the
    // lowest any member acknowledges; below 2 it was q that lowered it) is tokenAru, nothing is left to rebroadcast, and r holds both
    // rebroadcasts. The token's hop count grows by one per member: r, second on the ring, sees hops 1, 5, 9 ….
    private static List<bool> EndsAtVisits(long tokenAru, int visits)
    {
        var ring = new TotemRing(R, FirstAttempt, Qrst, TotemSettings.Simulation, installed: false);
        ring.Receive(new RecoveredMessage(Q, FirstAttempt, 1, Message(1, Q, "k")), []);
        ring.Receive(new RecoveredMessage(Q, FirstAttempt, 2, Message(3, R, "n")), []);
        var step5 = new Step5Rebroadcast([Info(Q, ObligationSet.Empty), Info(R, ObligationSet.Empty)]);
        var ends = new List<bool>();
        for (int visit = 1; visit <= visits; visit++)
        {
            var token = new Token(Q, FirstAttempt, TokenSeq: 4 * visit - 3, Seq: 2, Aru: tokenAru, AruSetter: tokenAru < 2 ? Q : null, ImmutableArray<long>.Empty,
                FlowControlCount: 0, RecoverySeq: 2, Backlog: 0);
            ring.Accept(token, []);
            ends.Add(step5.Ends(token, ring));
            ring.PassOn(token, step5.Queue, new Queue<PendingMessage>(), []);
        }
        return ends;
    }

    // The same attempt seen by q, whose 5.c acknowledgment r's third visit relies on. Nothing is
    // left to rebroadcast anywhere and the rebroadcasts go up to n (2). q acknowledges having
    // received all of them, and takes on its obligations, at its second visit if it holds both
    // (from then on it knows that no more come), and never while it lacks n. Too late, r installs
    // relying on an acknowledgment q never made; too early, q carries obligations into a later
    // attempt that make its step 6.a keep messages following one it never received.
    private static string? AcknowledgmentOf5c()
    {
        const string tooEarly = "Obligations taken before that are too early: if the attempt fails, q's step 6.a in the next one keeps the messages " +
                                "of the processes it is obligated to even after a message it never received, which they may depend on (Specification 5).";
        var holdingBoth = AcknowledgesAtVisits(holdsN: true, visits: 2);
        if (holdingBoth[0])
            return "5.c: Step5Rebroadcast.AcknowledgesAll made q acknowledge every rebroadcast at its first visit of the new ring's token, where it " +
                   "cannot know that no more rebroadcasts will come (the others have not held the token yet): 5.c's acknowledgment is of having " +
                   $"received all of the rebroadcast messages. {tooEarly}";
        if (!holdingBoth[1])
            return "5.c: Step5Rebroadcast.AcknowledgesAll did not make q acknowledge the rebroadcasts at its second visit of the new ring's token, " +
                   "although q holds both, k and n, and nothing is left to rebroadcast: \"If during Step 5.a this process acknowledges having " +
                   "received all of the rebroadcast messages, it includes the members of the proposed transitional configuration and their " +
                   "obligation sets in its obligation set.\" r, seeing on the token that every member has both, installs and delivers n as safe; " +
                   "if the attempt then fails, q restarts free of any obligation to r and discards n, and Specification 7.1 fails.";
        int early = AcknowledgesAtVisits(holdsN: false, visits: 3).IndexOf(true);
        return early < 0 ? null
            : $"5.c: Step5Rebroadcast.AcknowledgesAll made q acknowledge every rebroadcast at its visit {early + 1} of the new ring's token, " +
              "although q holds only k (its aru is 1) and the token says that the rebroadcasts go up to 2 (RecoverySeq): q has not received n. " +
              tooEarly;
    }

    // What AcknowledgesAll says at each of q's visits of the first attempt's token, q holding k,
    // and n too when holdsN. q leads the new ring: it sees hops 0, 4, 8 ….
    private static List<bool> AcknowledgesAtVisits(bool holdsN, int visits)
    {
        var ring = new TotemRing(Q, FirstAttempt, Qrst, TotemSettings.Simulation, installed: false);
        ring.Receive(new RecoveredMessage(Q, FirstAttempt, 1, Message(1, Q, "k")), []);
        if (holdsN) ring.Receive(new RecoveredMessage(R, FirstAttempt, 2, Message(3, R, "n")), []);
        var acknowledges = new List<bool>();
        for (int visit = 1; visit <= visits; visit++)
        {
            var token = new Token(T, FirstAttempt, TokenSeq: 4 * visit - 4, Seq: 2, Aru: holdsN ? 2 : 1, AruSetter: holdsN ? null : Q, ImmutableArray<long>.Empty,
                FlowControlCount: 0, RecoverySeq: 2, Backlog: 0);
            ring.Accept(token, []);
            acknowledges.Add(Step5Rebroadcast.AcknowledgesAll(token, ring));
            ring.PassOn(token, new Queue<RegularMessage>(), new Queue<PendingMessage>(), []);
        }
        return acknowledges;
    }

    // The attempt fails after q acknowledged every rebroadcast (5.c), where r is itself obligated
    // to t: r may have installed and delivered n relying on q. q restarts without r.
    private static string? ObligationsKept()
    {
        var obligations = ObligationSet.Empty.Extend([Info(Q, ObligationSet.Empty), Info(R, ObligationSet.Empty.With([T]))]);
        var expected = ObligationSet.Empty.With([Q, R, T]);
        if (!obligations.Equals(expected))
            return $"5.c: q acknowledged every rebroadcast of a recovery whose transitional configuration is {{q,r}}, and r is obligated to {{t}}; " +
                   $"q's obligation set must then be {expected}, but ObligationSet.Extend gives {obligations}.";

        // q restarts without r, alone in its transitional configuration. It holds its own message
        // k (1, delivered) and r's message n (3), which follows p's message 2 that nobody left
        // holds. r may have delivered n in {q,r}, relying on q: q must deliver it too.
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
