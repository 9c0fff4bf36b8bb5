// Totem's membership, on a network whose links may work one way only (issue #17). Totem takes a
// packet from a process outside its ring as the sign that the two can form one ring, and gathers
// at once ("a foreign process": Corosync's merge); a round of Gather that cannot agree ends by
// the consensus timeout moving the silent processes to the fail set. Both assume that whoever
// hears a process is heard by it. Over a one-way link they are not: the process that hears but is
// not heard gathers, fails everybody, forms a ring alone, hears the others' ring again, gathers
// again, for as long as the link stays so; and the ring that hears a process it cannot reach keeps
// re-forming without it. The paper's Termination Property (Section 3.2) still holds, each round
// ends, but the membership never rests.
//
// The help: a process remembers the processes it heard during a round of Gather that ended
// without them (they are "unanswered": something between them and this process does not work both
// ways, or did not while the round ran). A packet of an unanswered process no longer starts a
// merge by itself; this process merges with it only on evidence that every member of its own ring
// and every member of the other's hears every member of the other ring. The evidence is a
// HearingReport: while it has unanswered processes, a process broadcasts, every merge period, its
// ring, its members and the processes outside its ring it has heard lately. With no one-way link a
// process is heard in a round and left out of it only when something failed during that round, so
// a run with only symmetric faults and no failure during Gather sends no report and behaves as
// Totem does.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Membership;

/// <summary>
/// What a process tells processes outside its ring while it has unanswered processes
/// (<see cref="HearingEvidence"/>): its ring, the ring's <see cref="Members"/>, and the processes
/// outside that ring it has <see cref="Heard"/> lately (in this report period and the one before).
/// </summary>
public sealed record HearingReport(ProcessId Sender, RingId Ring, ImmutableArray<ProcessId> Members, ImmutableSortedSet<ProcessId> Heard)
    : Packet(Sender, Ring);

/// <summary>
/// One process's evidence of who hears whom, and the rule built on it: a packet of an
/// <see cref="Unanswered"/> process starts a merge only when <see cref="MayMergeWith"/> finds, from
/// this process's own hearing and the others' <see cref="HearingReport"/>s, that the two rings' members
/// all hear each other.
/// </summary>
public sealed class HearingEvidence
{
    // A report counts for this many report periods, so that one lost report does not close the gate;
    // an unanswered process not heard for as long is forgotten.
    private const int PeriodsRemembered = 3;

    private readonly ProcessId _me;
    private readonly HashSet<ProcessId> _heardInRound = new();
    private readonly Dictionary<ProcessId, int> _lastHeard = new();
    private readonly Dictionary<ProcessId, (HearingReport Report, int Period)> _reports = new();
    private int _period;
    private bool _inRound = true;

    /// <summary>The evidence of process <paramref name="me"/>, with nobody unanswered.</summary>
    public HearingEvidence(ProcessId me) => _me = me;

    /// <summary>
    /// The processes this process heard during a round of Gather that ended without them, and has
    /// heard since: their packets start no merge by themselves.
    /// </summary>
    public ImmutableSortedSet<ProcessId> Unanswered { get; private set; } = ImmutableSortedSet.Create(ProcessId.Ordinal);

    /// <summary>
    /// A packet from <paramref name="sender"/> arrived (any kind: a report is evidence too). Only
    /// what matters is kept, so that a flood of made-up senders cannot grow it: who is heard during
    /// a round, and when each was last heard while some process is unanswered.
    /// </summary>
    public void Heard(ProcessId sender)
    {
        if (sender == _me) return;
        if (!Unanswered.IsEmpty) _lastHeard[sender] = _period;
        if (_inRound) _heardInRound.Add(sender);
    }

    /// <summary>A round of Gather begins, from an operational ring: who is heard from now on is heard in the round.</summary>
    public void RoundBegins()
    {
        _heardInRound.Clear();
        _inRound = true;
    }

    /// <summary>A report arrived; the latest of each sender is kept.</summary>
    public void OnReport(HearingReport report) => _reports[report.Sender] = (report, _period);

    /// <summary>
    /// A ring of <paramref name="members"/> is installed: whoever was heard in the round and is not
    /// a member becomes unanswered, and the members are answered. Reports go out while anybody is
    /// unanswered (the caller starts the report timer when this returns true and none runs).
    /// </summary>
    public bool Installed(IReadOnlyCollection<ProcessId> members)
    {
        if (Unanswered.IsEmpty) ForgetOldHearing();
        Unanswered = Unanswered.Union(_heardInRound).Except(members).Remove(_me);
        _heardInRound.Clear();
        _inRound = false;
        return !Unanswered.IsEmpty;
    }

    /// <summary>
    /// Whether a packet of <paramref name="foreign"/>, a process outside this process's ring of
    /// <paramref name="members"/>, may start a merge: always, unless it is unanswered; then only if
    /// the reports held say that every member of the two rings hears every member of the other.
    /// </summary>
    public bool MayMergeWith(ProcessId foreign, IReadOnlyCollection<ProcessId> members)
    {
        if (!Unanswered.Contains(foreign)) return true;
        if (Report(foreign) is not { } theirs) return false;
        foreach (var a in members)
            foreach (var b in theirs.Members)
                if (!Hears(a, b) || !Hears(b, a)) return false;
        return true;
    }

    /// <summary>
    /// The report timer expired: this process's report goes out (its ring, <paramref name="members"/>,
    /// and the processes outside the ring heard lately), old evidence is forgotten, and a process not
    /// heard for a while is no longer unanswered (it may have failed; if it comes back, Totem's rule
    /// applies to it again). True while the timer should run on.
    /// </summary>
    public bool OnReportTimer(RingId ring, ImmutableArray<ProcessId> members, List<NodeOutput> outputs)
    {
        var heard = _lastHeard.Keys.Where(p => HeardLately(p) && !members.Contains(p));
        outputs.Add(new Broadcast(new HearingReport(_me, ring, members, ImmutableSortedSet.CreateRange(ProcessId.Ordinal, heard))));
        _period++;
        Unanswered = Unanswered.Where(RecentlyHeard).ToImmutableSortedSet(ProcessId.Ordinal);
        foreach (var stale in _reports.Where(r => _period - r.Value.Period > PeriodsRemembered).Select(r => r.Key).ToList())
            _reports.Remove(stale);
        foreach (var silent in _lastHeard.Keys.Where(p => !RecentlyHeard(p)).ToList())
            _lastHeard.Remove(silent);
        return !Unanswered.IsEmpty;
    }

    // Heard in this report period or the one before: what a report says, and what this process
    // takes for hearing now. Older hearing would make evidence of a link that has just been cut.
    private bool HeardLately(ProcessId p) => _lastHeard.TryGetValue(p, out int period) && _period - period <= 1;

    // While nobody was unanswered no report period ran, so what was heard before this round is of
    // unknown age: it is let go, lest it pass for evidence of a link that has been cut since. Who was
    // heard in the round was heard just now.
    private void ForgetOldHearing()
    {
        _period += PeriodsRemembered + 1;
        _lastHeard.Clear();
        foreach (var p in _heardInRound) _lastHeard[p] = _period;
    }

    private bool RecentlyHeard(ProcessId p) => _lastHeard.TryGetValue(p, out int period) && _period - period <= PeriodsRemembered;

    private HearingReport? Report(ProcessId p) =>
        _reports.TryGetValue(p, out var held) && _period - held.Period <= PeriodsRemembered ? held.Report : null;

    // Whether `listener` hears `speaker`: this process knows whom it heard itself; of another, only
    // what its latest report says. A report is about processes outside the reporter's ring; its own
    // ring's members hear each other (their ring runs).
    private bool Hears(ProcessId listener, ProcessId speaker)
    {
        if (listener == _me) return HeardLately(speaker);
        if (Report(listener) is not { } report) return false;
        return report.Members.Contains(speaker) || report.Heard.Contains(speaker);
    }
}
