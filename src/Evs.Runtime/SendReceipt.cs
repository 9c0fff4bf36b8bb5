// The real network (the library API): what becomes of a message the application sent. The paper's
// send_p(m, c) gives the message its identifier in a regular configuration c (Totem step 1: the
// token holder originates it); self-delivery (Specification 3) makes a process deliver its own
// message unless it fails first, in c or in the transitional configuration after c; and a safe
// message is delivered only once every member of that configuration has it (Specification 7). So a send has exactly three possible ends here: delivered (safe, for a safe
// message), in a named configuration; or lost, because the process stopped or failed first. The
// application is told which, instead of tagging payloads and matching its own deliveries.
using Evs.Reference.Model;

namespace Evs.Runtime;

/// <summary>What became of a sent message at this process: <see cref="MessageDeliveredHere"/> or <see cref="MessageLost"/>.</summary>
public abstract record SendOutcome;

/// <summary>
/// The message was delivered here (deliver_p(m, c)) in <paramref name="Configuration"/>, of
/// <paramref name="Kind"/>: the regular configuration it was sent in, or the transitional
/// configuration that followed it (the members that moved together with this process).
/// </summary>
public sealed record MessageDeliveredHere(ConfigurationId Configuration, ConfigurationKind Kind) : SendOutcome;

/// <summary>
/// The message will never be delivered here: this process stopped or failed before it delivered
/// it (<paramref name="Reason"/> says which). Others may still deliver it (extended virtual
/// synchrony promises them nothing about a message of a failed process but agreement among them).
/// </summary>
public sealed record MessageLost(string Reason) : SendOutcome;

/// <summary>
/// A message the ring has given its identifier: <see cref="EvsNode.SendAsync"/> returns it when this
/// process sends the message on the token. <see cref="Delivered"/> completes when the message is
/// delivered here, or is lost; for a safe message <see cref="Safe"/> completes when it is delivered
/// here as safe, which extended virtual synchrony does only once every member of the configuration
/// it is delivered in has it (so for a safe message both complete together). Neither task ever
/// faults or hangs: a process that stops or fails completes them with <see cref="MessageLost"/>.
/// Their continuations never run on the node's event loop.
/// </summary>
public sealed class SendReceipt
{
    internal SendReceipt(MessageId message, ConfigurationId configuration, DeliveryService service, Task<SendOutcome> delivered, Task<SendOutcome>? safe)
    {
        Message = message;
        Configuration = configuration;
        Service = service;
        Delivered = delivered;
        Safe = safe;
    }

    /// <summary>The message's identifier, unique in the run (its sender, ring and counter are typed parts).</summary>
    public MessageId Message { get; }

    /// <summary>The regular configuration it was sent in (send_p(m, c)).</summary>
    public ConfigurationId Configuration { get; }

    /// <summary>The service it was sent with.</summary>
    public DeliveryService Service { get; }

    /// <summary>Completes when the message is delivered here, or is lost.</summary>
    public Task<SendOutcome> Delivered { get; }

    /// <summary>For a safe message, completes when it is delivered here as safe, or is lost; null for any other service.</summary>
    public Task<SendOutcome>? Safe { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Message} ({Service}) sent in {Configuration}";
}

/// <summary>
/// Thrown by <see cref="EvsNode.SendAsync"/> when the process stopped or failed while the message
/// was still waiting for the token: it never got an identifier, and nobody will deliver it.
/// </summary>
public sealed class MessageLostException(string reason) : InvalidOperationException(reason)
{
    /// <summary>Why the message was lost: how the process ended.</summary>
    public string Reason { get; } = reason;
}
