// Tests of the wire format: when are two packets the same? Records compare by value, but
// ImmutableArray, ImmutableSortedSet and byte[] fields compare by reference, so a decoded packet
// is never Equal to the one sent. This compares them field by field: every array field by its
// contents, and the rest of the record (whatever fields it has, now or later) by record equality
// once the arrays are set aside.
using System.Collections.Immutable;
using Evs.Reference.Membership;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Recovery;
using Xunit;

namespace SpecTests.Wire;

public static class PacketAssert
{
    private static readonly ImmutableSortedSet<ProcessId> NoSet = ImmutableSortedSet.Create(ProcessId.Ordinal);
    private static readonly byte[] NoBytes = [];

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are the same packet, field by field.</summary>
    public static bool Same(Packet a, Packet b) => (a, b) switch
    {
        (Token x, Token y) => x with { RetransmissionRequests = [] } == y with { RetransmissionRequests = [] }
            && x.RetransmissionRequests.SequenceEqual(y.RetransmissionRequests),
        (RegularMessage x, RegularMessage y) => SameMessage(x, y),
        (RecoveredMessage x, RecoveredMessage y) => SameMessage(x.Original, y.Original)
            && x with { Original = y.Original } == y,
        (JoinMessage x, JoinMessage y) => x.ProcSet.SetEquals(y.ProcSet) && x.FailSet.SetEquals(y.FailSet)
            && x with { ProcSet = NoSet, FailSet = NoSet } == y with { ProcSet = NoSet, FailSet = NoSet },
        (HearingReport x, HearingReport y) => x.Members.SequenceEqual(y.Members) && x.Heard.SetEquals(y.Heard)
            && x with { Members = [], Heard = NoSet } == y with { Members = [], Heard = NoSet },
        (CommitToken x, CommitToken y) => x.Members.SequenceEqual(y.Members)
            && x.Infos.Length == y.Infos.Length && x.Infos.Zip(y.Infos).All(p => SameInfo(p.First, p.Second))
            && x with { Members = [], Infos = [] } == y with { Members = [], Infos = [] },
        _ => a == b,
    };

    /// <summary>Fails unless <paramref name="expected"/> and <paramref name="actual"/> are the same packets, in order.</summary>
    public static void Equal(IReadOnlyList<Packet> expected, IReadOnlyList<Packet> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Same(expected[i], actual[i]), $"packet {i} differs:\n  sent     {expected[i]}\n  received {actual[i]}");
    }

    private static bool SameMessage(RegularMessage x, RegularMessage y) =>
        x.Payload.AsSpan().SequenceEqual(y.Payload) && x with { Payload = NoBytes } == y with { Payload = NoBytes };

    private static bool SameInfo(MemberInfo x, MemberInfo y) =>
        SameConfiguration(x.OldConfiguration, y.OldConfiguration) && x with { OldConfiguration = null } == y with { OldConfiguration = null };

    private static bool SameConfiguration(Configuration? x, Configuration? y) =>
        (x, y) switch
        {
            (null, null) => true,
            ({ } c, { } d) => c.Members.SequenceEqual(d.Members) && c with { Members = [] } == d with { Members = [] },
            _ => false,
        };
}
