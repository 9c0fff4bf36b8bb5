// Named groups, sans-IO: the inputs of a group layer. A driver hands it what the ring did at this
// process (the four events of the paper's model, with the group envelope of each message) and what
// the application asks for; nothing else reaches it. GroupHistories replays a trace through the
// same inputs, so a run and its check see one algorithm.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Groups;

/// <summary>One thing that happens to a group layer.</summary>
public abstract record GroupInput
{
    /// <summary>
    /// The input a ring's output makes, or null for an output that is no event of the model (a
    /// packet, a timer, stable storage). A message's payload is decoded (<see cref="GroupEnvelope.TryDecode"/>);
    /// a plain one is passed on with no envelope, and the layer ignores it.
    /// </summary>
    public static GroupInput? From(NodeOutput output) => output switch
    {
        ConfigurationDelivered c => new RingConfigurationInstalled(c.Configuration),
        MessageSent s => new RingMessageSent(s.Message, s.Service, GroupEnvelope.TryDecode(s.Payload)),
        MessageDelivered d => new RingMessageDelivered(d.Message, d.Originator, d.Service, GroupEnvelope.TryDecode(d.Payload)),
        _ => null,
    };
}

/// <summary>deliver_conf_p(c) of the ring: a regular or transitional configuration.</summary>
public sealed record RingConfigurationInstalled(Configuration Configuration) : GroupInput;

/// <summary>send_p(m, c) of the ring: the token gave this process's message its identifier and place.</summary>
public sealed record RingMessageSent(MessageId Message, DeliveryService Service, GroupEnvelope? Envelope) : GroupInput;

/// <summary>deliver_p(m, c) of the ring, from <paramref name="Sender"/>.</summary>
public sealed record RingMessageDelivered(MessageId Message, ProcessId Sender, DeliveryService Service, GroupEnvelope? Envelope) : GroupInput;

/// <summary>fail_p(c) of the ring: this process failed (or stopped); its groups are gone with it (rule 6).</summary>
public sealed record RingFailed : GroupInput;

/// <summary>
/// The application asks to join <paramref name="Group"/>. <paramref name="Ticket"/>, the driver's
/// own number for the request, comes back in <see cref="GroupJoined"/> or <see cref="GroupRequestLost"/>.
/// </summary>
public sealed record GroupJoinRequested(string Group, long Ticket) : GroupInput;

/// <summary>
/// The application asks to leave <paramref name="Group"/>. <paramref name="Ticket"/> comes back in
/// <see cref="GroupLeft"/> or <see cref="GroupRequestLost"/>.
/// </summary>
public sealed record GroupLeaveRequested(string Group, long Ticket) : GroupInput;

/// <summary>
/// The application asks to send <paramref name="Payload"/> to <paramref name="Group"/> with
/// <paramref name="Service"/>. <paramref name="Ticket"/> comes back in <see cref="GroupMessageSent"/>
/// or <see cref="GroupSendLost"/>, so that a driver can tell the application what became of it.
/// </summary>
public sealed record GroupSendRequested(string Group, byte[] Payload, DeliveryService Service, long Ticket) : GroupInput;
