// Corosync's answer to the price of a held token (Ordering/TokenHold): the representative holds an
// idle token; an application that sends at another process would wait for the hold to end before
// the token reaches it. So that process tells the representative, in one small packet, to let the
// token go. Losing the packet costs only the wait it would have saved.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Ordering;

/// <summary>
/// "Release the token of <paramref name="Ring"/>: <paramref name="Sender"/> has a message to send."
/// Sent to the ring's representative by a process whose application sends after the tokens it
/// passed on were idle for as many rotations as the representative waits before holding
/// (<see cref="TotemSettings.IdleRotationsBeforeHold"/>), so that the token is probably held; at
/// most once per token visit.
/// </summary>
public sealed record TokenHoldCancel(ProcessId Sender, RingId Ring) : Packet(Sender, Ring);
