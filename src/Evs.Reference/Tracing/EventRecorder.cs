// The driver's kernel, the part both drivers share: how a node's outputs become the events of
// the paper's model, as docs/TRACE.md writes them. The simulator and a real node (Evs.Runtime's
// NodeHost, which hands the events to its trace file) number a process's events, stamp them and
// remember its configuration through this one class, so that a trace means the same whoever wrote it.
using Evs.Reference.Groups;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Tracing;

/// <summary>
/// The events of one process, as its node's outputs make them: send_p(m, c) for
/// <see cref="MessageSent"/>, deliver_p(m, c) for <see cref="MessageDelivered"/>, deliver_conf_p(c)
/// for <see cref="ConfigurationDelivered"/>, and fail_p(c), which no node can output, when the
/// driver sees the process fail (<see cref="Fail"/>). Each event gets the process's next index;
/// the index goes on across crashes (docs/TRACE.md). A primary regular configuration carries the
/// view that <see cref="PrimaryComponentInstalled"/> announced just before it, for the virtual
/// synchrony filter. With <paramref name="recordText"/>, a send or delivery whose payload is a line
/// of text carries that text (<see cref="MessageText"/>), and one that carries a group envelope its tag (<see cref="GroupTag"/>). Recorders of one run may share
/// <paramref name="digests"/>, so that a payload every member holds is hashed once.
/// </summary>
public sealed class EventRecorder(ProcessId process, long nextIndex = 0, ConfigurationId? openConfiguration = null, bool recordText = false, PayloadDigests? digests = null)
{
    private readonly PayloadDigests _digests = digests ?? new PayloadDigests();

    private PrimaryViewInfo? _nextPrimaryView;

    /// <summary>The process.</summary>
    public ProcessId Process { get; } = process;

    /// <summary>The index the next event gets.</summary>
    public long NextIndex { get; private set; } = nextIndex;

    /// <summary>The configuration the process is in: that of its last deliver_conf, unless a fail followed it.</summary>
    public ConfigurationId? OpenConfiguration { get; private set; } = openConfiguration;

    /// <summary>
    /// The event <paramref name="output"/> makes at time <paramref name="timeMs"/>, or null for an
    /// output that is not an event of the model (a packet, a timer, stable storage, the primary view
    /// itself, which rides on the next event). <paramref name="primaryView"/> is, for a primary
    /// regular configuration, its view (what the virtual synchrony filter takes with it).
    /// </summary>
    public EvsEvent? Record(NodeOutput output, double timeMs, out PrimaryViewInfo? primaryView)
    {
        primaryView = null;
        switch (output)
        {
            case MessageSent s:
                var sent = GroupEnvelope.TryDecode(s.Payload);
                return new Send(Process, NextIndex++, timeMs, s.Message, s.Configuration, s.Service, _digests.Of(s.Payload), TextOf(s.Payload, sent), sent?.Tag);
            case MessageDelivered d:
                var delivered = GroupEnvelope.TryDecode(d.Payload);
                return new Deliver(Process, NextIndex++, timeMs, d.Message, d.Configuration, d.Service, _digests.Of(d.Payload), TextOf(d.Payload, delivered), delivered?.Tag);
            case PrimaryComponentInstalled installed:
                _nextPrimaryView = installed.View;
                return null;
            case ConfigurationDelivered { Configuration: var c } installed:
                OpenConfiguration = c.Id;
                if (c is { Kind: ConfigurationKind.Regular, Primary: true }) primaryView = _nextPrimaryView;
                if (c.Kind == ConfigurationKind.Regular) _nextPrimaryView = null;
                return new DeliverConf(Process, NextIndex++, timeMs, c.Id, c.Kind, c.Members, c.PreviousRegular, c.Primary, installed.Left);
            default:
                return null;
        }
    }

    // The text of a message, for people (docs/TRACE.md, text): a group's message is read past its
    // envelope, and the group's own messages (joins, leaves, flushes, states) have none.
    private string? TextOf(byte[] payload, GroupEnvelope? envelope) => !recordText ? null : envelope switch
    {
        null => MessageText.Of(payload),
        { Op: GroupOp.Data } data => MessageText.Of(data.Data),
        _ => null,
    };

    /// <summary>
    /// fail_p(c) at <paramref name="timeMs"/> for the configuration the process is in, or null when it
    /// is in none; marked <paramref name="left"/> when the process left gracefully (<see cref="ProcessLeft"/>).
    /// </summary>
    public Fail? Fail(double timeMs, bool left = false)
    {
        _nextPrimaryView = null;
        if (OpenConfiguration is not { } c) return null;
        OpenConfiguration = null;
        return new Fail(Process, NextIndex++, timeMs, c, left);
    }
}
