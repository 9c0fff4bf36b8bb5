// Hand-built inputs for the recovery steps: the Figure 6 processes, an old ring {p,q,r} whose
// messages a process holds, and the information step 3 exchanges.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;

namespace SpecTests.Recovery;

internal static class Inputs
{
    public static readonly ProcessId P = new("p"), Q = new("q"), R = new("r"), S = new("s"), T = new("t");

    /// <summary>Figure 6: the regular configuration {p,q,r} that partitions ...</summary>
    public static readonly RingId PqrRing = new(1, P);
    public static readonly Configuration Pqr = Configuration.Regular(PqrRing, [P, Q, R]);

    /// <summary>... the regular configuration {s,t} ...</summary>
    public static readonly Configuration St = Configuration.Regular(new RingId(2, S), [S, T]);

    /// <summary>... and the new regular configuration {q,r,s,t} that q and r merge into with s and t.</summary>
    public static readonly RingId NewRing = new(5, Q);
    public static readonly Configuration Qrst = Configuration.Regular(NewRing, [Q, R, S, T]);

    /// <summary>Message <paramref name="seq"/> of the old ring {p,q,r}, named <paramref name="name"/>.</summary>
    public static RegularMessage Message(long seq, ProcessId originator, DeliveryService service, string name) =>
        new(originator, PqrRing, seq, new MessageId(name), originator, service, [(byte)seq]);

    /// <summary>
    /// <paramref name="me"/>'s part of the old ring {p,q,r}, having received these messages in
    /// this order: agreed and causal ones it delivered as soon as they were contiguous; safe
    /// ones wait, since no token has said that every member received them.
    /// </summary>
    public static TotemRing OldRing(ProcessId me, params RegularMessage[] received)
    {
        var ring = new TotemRing(me, PqrRing, Pqr, TotemSettings.Simulation);
        foreach (var message in received) ring.Receive(message, []);
        return ring;
    }

    /// <summary>
    /// Two token visits that teach <paramref name="ring"/> that every member has received up to
    /// <paramref name="upTo"/> (not above its own aru); if <paramref name="deliver"/>, the second
    /// visit is completed, delivering what has become deliverable. The token goes round {p,q,r}
    /// between the two: its hop count grows by three. Returns the outputs.
    /// </summary>
    public static List<NodeOutput> LearnReceivedByAll(TotemRing ring, long upTo, bool deliver)
    {
        var outputs = new List<NodeOutput>();
        long tokenSeq = 3L * ring.Visits + 1;
        long seq = ring.Buffer.HighestSeen;
        var first = new Token(P, ring.Id, tokenSeq, seq, Aru: seq, AruSetter: null, ImmutableArray<long>.Empty, FlowControlCount: 0);
        ring.Accept(first, outputs);
        ring.PassOn(first, NoRebroadcasts, new Queue<PendingMessage>(), outputs);
        var second = first with { TokenSeq = tokenSeq + 3, Aru = upTo };
        ring.Accept(second, outputs);
        if (deliver) ring.PassOn(second, NoRebroadcasts, new Queue<PendingMessage>(), outputs);
        return outputs;
    }

    /// <summary>Nothing to rebroadcast: a ring's token visit outside recovery.</summary>
    public static Queue<RegularMessage> NoRebroadcasts => new();

    /// <summary>What step 3 has <paramref name="process"/> supply; by default a member of {p,q,r} with nothing special to say.</summary>
    public static MemberInfo Info(ProcessId process, Configuration? old = null, long aru = 0, long seen = 0,
        long receivedByAll = 0, long delivered = 0, ObligationSet? obligations = null) =>
        new(process, old ?? Pqr, aru, seen, receivedByAll, delivered, obligations ?? ObligationSet.Empty);

    public static ObligationSet Obligations(params ProcessId[] processes) => ObligationSet.Empty.With(processes);

    /// <summary>Outputs as short strings: "m@R1.p" for a delivery, "conf T5.q/R1.p {q,r}" for a configuration change.</summary>
    public static List<string> Show(IEnumerable<NodeOutput> outputs) => outputs.Select(o => o switch
    {
        MessageDelivered d => $"{d.Message}@{d.Configuration}",
        ConfigurationDelivered c => $"conf {c.Configuration.Id} {{{string.Join(",", c.Configuration.Members)}}}",
        _ => o.GetType().Name,
    }).ToList();

    /// <summary>Only the deliveries of <paramref name="outputs"/>, shown as <see cref="Show"/> does.</summary>
    public static List<string> Deliveries(IEnumerable<NodeOutput> outputs) => Show(outputs.OfType<MessageDelivered>());
}
