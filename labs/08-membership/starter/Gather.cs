// Lab 8 starter (labs/08-membership/README.md): Totem's Gather state, the membership algorithm under
// extended virtual synchrony: processes exchange join messages until every process of
// proc_set − fail_set has sent the same two sets (consensus), and the consensus timeout shrinks the
// proposal so that Gather ends within a bounded time (Section 3.2, Termination Property). Given:
// the constructor and CountOut (graceful leavers in the fail set), the wait after a start, which
// joins are stale (issue #13), and the timers and broadcasts of Begin, Receive and the two timeouts. Yours: the proposed ring and its
// representative, consensus, taking in a join, the consensus timeout's decision, and which commit
// token to accept. `evs lab start 8` copies this file to student/, `evs lab check 8` grades it.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Membership;

/// <summary>
/// One process's view of one round of Gather: its two sets and the joins it has heard; and, once
/// the round has begun (<see cref="Begin"/>), Totem's Gather state as outputs: the join message
/// broadcast when the view changes and every join timeout, the consensus timeout restarted
/// whenever the view changes.
/// </summary>
public sealed class Gather
{
    private readonly ProcessId _me;
    private readonly Dictionary<ProcessId, JoinMessage> _joins = new();
    private readonly IReadOnlySet<ProcessId>? _expected;
    private RingId _lastRing;
    private long _highestRingSequence;
    private MembershipSettings _timeouts = MembershipSettings.Simulation;

    /// <summary>
    /// Starts gathering with the processes believed reachable (the process itself always among
    /// them). <paramref name="expected"/>: after a start, every process that may start with this one, when known.
    /// <paramref name="left"/>: processes that announced a graceful leave, in the fail set from the
    /// start (no consensus timeout is waited for them).
    /// </summary>
    public Gather(ProcessId me, IEnumerable<ProcessId> reachable, GatherReason reason, IReadOnlySet<ProcessId>? expected = null, IEnumerable<ProcessId>? left = null)
    {
        _me = me;
        Reason = reason;
        var countedOut = ImmutableSortedSet.CreateRange(ProcessId.Ordinal, left ?? []).Remove(me);
        ProcSet = ImmutableSortedSet.CreateRange(ProcessId.Ordinal, reachable).Add(me).Union(countedOut);
        FailSet = countedOut;
        _expected = expected;
        Waiting = reason == GatherReason.Start && !HeardEveryExpected;
    }

    /// <summary>Why this round started.</summary>
    public GatherReason Reason { get; }

    /// <summary>
    /// A process that has just started knows nobody yet, and everyone else starting with it is in
    /// the same position: rather than agree at once with the first few it hears (and form a ring
    /// that must merge again at once), it waits until its first consensus timeout, by which time
    /// every reachable process's joins have arrived many times over. When it was told whom to
    /// expect (a configured list of peers), it stops waiting as soon as all of them are in its
    /// proc set: there is nobody left to wait for.
    /// </summary>
    public bool Waiting { get; private set; }

    private bool HeardEveryExpected => _expected is { Count: > 1 } expected && expected.All(ProcSet.Contains);

    /// <summary>The processes believed able to form the next ring, or to have failed.</summary>
    public ImmutableSortedSet<ProcessId> ProcSet { get; private set; }

    /// <summary>The processes believed to have failed.</summary>
    public ImmutableSortedSet<ProcessId> FailSet { get; private set; }

    /// <summary>The members of the ring this round proposes: proc_set − fail_set.</summary>
    public ImmutableSortedSet<ProcessId> Proposed =>
        throw new NotImplementedException("lab 8: Gather.Proposed");

    /// <summary>The representative of the proposed ring: its lowest process identifier.</summary>
    public ProcessId Representative =>
        throw new NotImplementedException("lab 8: Gather.Representative");

    /// <summary>
    /// Consensus: every proposed member other than this process has sent a join with exactly
    /// this process's two sets.
    /// </summary>
    public bool HasConsensus =>
        throw new NotImplementedException("lab 8: Gather.HasConsensus");

    /// <summary>
    /// The highest ring sequence number any proposed member has reported (0 for one whose join this
    /// process does not hold, itself among them). Never empty: this process is always proposed, since
    /// nothing puts it in its own fail set.
    /// </summary>
    public long HighestRingSequence =>
        throw new NotImplementedException("lab 8: Gather.HighestRingSequence");

    /// <summary>
    /// Whether <paramref name="join"/> is older than the join this round holds from the same sender.
    /// Within one round of Gather a process's two sets only grow (joins add to them, the consensus
    /// timeout adds to the fail set), and the highest ring sequence number it reports is fixed for
    /// the round and only grows from one round to the next (each round after the first follows a ring
    /// it committed to or installed, whose sequence number is above all it had seen). So a join
    /// reporting a lower highest ring sequence number than the one held is from an earlier round, and
    /// one reporting the same with sets that are a strict part of the held one's is from earlier in
    /// the round; either would take back what its sender has said since. (So does a join the network
    /// merely delivers late, after a newer one from the same sender: taken, it would make its sender
    /// look as if it no longer agreed, until its next join.)
    /// A fresh join is never taken for an old one: a join is compared only with joins from the same
    /// sender held in this round, and the order above is the order its sender sent them in. The one
    /// exception is a process that lost its stable storage and starts again from ring sequence
    /// number 0 under the same identifier: its joins are ignored for the rest of this round, and
    /// taken in the next, which holds nothing from it.
    /// </summary>
    public bool IsStale(JoinMessage join) =>
        _joins.TryGetValue(join.Sender, out var held)
        && (join.HighestRingSequence < held.HighestRingSequence
            || join.HighestRingSequence == held.HighestRingSequence && IsStrictlyWithin(join, held));

    /// <summary>
    /// Takes in a join message; true when this process's sets grew (it must then broadcast its
    /// join again). A stale join (<see cref="IsStale"/>) is ignored. A join from a process in the
    /// fail set is ignored: that process must first agree that it was left out, or be merged again
    /// in a later round. A process that believes this one has failed is put in the fail set in
    /// return (as Corosync does): the two cannot agree in this round, and saying so at once spares
    /// everyone the consensus timeout.
    /// </summary>
    public bool OnJoin(JoinMessage join)
    {
        throw new NotImplementedException("lab 8: Gather.OnJoin");
    }

    /// <summary>
    /// The consensus timeout: every proposed member that has not agreed is moved to the fail set;
    /// if all had agreed but the commit token never came, its representative is. True when the
    /// sets changed. The first timeout after a start only ends the wait (<see cref="Waiting"/>).
    /// </summary>
    public bool OnConsensusTimeout()
    {
        throw new NotImplementedException("lab 8: Gather.OnConsensusTimeout");
    }

    /// <summary>
    /// As in Corosync, a gathering process takes the first rotation of a commit token that proposes
    /// exactly its own proc_set − fail_set, with a ring sequence number it has not seen
    /// (above <paramref name="highestRingSequence"/>): it need not have heard every join itself
    /// (under loss it may be one join short), since the representative has.
    /// </summary>
    public bool Accepts(CommitToken commit, long highestRingSequence) =>
        throw new NotImplementedException("lab 8: Gather.Accepts");

    /// <summary>
    /// The round begins: the timers of the state this process leaves stop, the join and consensus
    /// timers start, and its join goes out. <paramref name="lastRing"/> is its last installed ring,
    /// <paramref name="highestRingSequence"/> the highest ring sequence number it has seen (both are
    /// in its joins, and fixed for the round).
    /// </summary>
    public void Begin(RingId lastRing, long highestRingSequence, MembershipSettings timeouts, List<NodeOutput> outputs)
    {
        _lastRing = lastRing;
        _highestRingSequence = highestRingSequence;
        _timeouts = timeouts;
        outputs.Add(new StopTimer(TimerKind.TokenLoss));
        outputs.Add(new StopTimer(TimerKind.TokenRetransmit));
        outputs.Add(new StopTimer(TimerKind.MergeDetect));
        outputs.Add(new StartTimer(TimerKind.Join, timeouts.JoinTimeoutMs));
        outputs.Add(new StartTimer(TimerKind.Consensus, timeouts.ConsensusTimeoutMs));
        BroadcastJoin(outputs);
    }

    /// <summary>
    /// A join message arrived; false if it was stale (<see cref="IsStale"/>) and is ignored. When it
    /// changed this process's view, its join goes out again and the consensus timeout starts again:
    /// as in Corosync, it counts from the last change of this process's view, so it fails only
    /// processes that stayed silent while the views were still (counting from the start of Gather
    /// would fail live processes that were one join behind).
    /// </summary>
    public bool Receive(JoinMessage join, List<NodeOutput> outputs)
    {
        if (IsStale(join)) return false;
        if (!OnJoin(join)) return true;
        BroadcastJoin(outputs);
        outputs.Add(new StartTimer(TimerKind.Consensus, _timeouts.ConsensusTimeoutMs));
        return true;
    }

    /// <summary>
    /// <paramref name="leaver"/> announced a graceful leave during this round: it joins the fail set
    /// now (it sends no more joins), and, if that changed this process's view, the join goes out
    /// again and the consensus timeout starts again (as for a join, <see cref="Receive"/>).
    /// </summary>
    public void CountOut(ProcessId leaver, List<NodeOutput> outputs)
    {
        if (leaver == _me || FailSet.Contains(leaver)) return;
        ProcSet = ProcSet.Add(leaver);
        FailSet = FailSet.Add(leaver);
        BroadcastJoin(outputs);
        outputs.Add(new StartTimer(TimerKind.Consensus, _timeouts.ConsensusTimeoutMs));
    }

    /// <summary>The join timer expired: this process's join goes out again, lest a lost one stall consensus.</summary>
    public void OnJoinTimeout(List<NodeOutput> outputs)
    {
        BroadcastJoin(outputs);
        outputs.Add(new StartTimer(TimerKind.Join, _timeouts.JoinTimeoutMs));
    }

    /// <summary>The consensus timer expired (<see cref="OnConsensusTimeout()"/>); a changed view goes out, and the timer starts again.</summary>
    public void OnConsensusTimeout(List<NodeOutput> outputs)
    {
        if (OnConsensusTimeout()) BroadcastJoin(outputs);
        outputs.Add(new StartTimer(TimerKind.Consensus, _timeouts.ConsensusTimeoutMs));
    }

    private void BroadcastJoin(List<NodeOutput> outputs) => outputs.Add(new Broadcast(Join(_lastRing, _highestRingSequence)));

    /// <summary>This process's join message.</summary>
    public JoinMessage Join(RingId myRing, long highestRingSequence) =>
        new(_me, myRing, ProcSet, FailSet, highestRingSequence);

    // Both sets of the join within the held one's, and not both the same.
    private static bool IsStrictlyWithin(JoinMessage join, JoinMessage held) =>
        join.ProcSet.IsSubsetOf(held.ProcSet) && join.FailSet.IsSubsetOf(held.FailSet)
        && (join.ProcSet.Count < held.ProcSet.Count || join.FailSet.Count < held.FailSet.Count);

    private bool Agrees(ProcessId p) =>
        throw new NotImplementedException("lab 8: Gather.Agrees");
}
