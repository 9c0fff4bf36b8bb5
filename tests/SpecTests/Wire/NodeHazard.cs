// Tests of the wire format, the fuzz test: what it must not hand to TotemNode yet. Found by the
// fuzz test: in step 4.b (Step4TransitionalConfiguration.MessagesToRebroadcast) the node walks
// every ordinal from the lowest MyAru to the highest HighestSeen of the commit token's infos that
// share its old configuration, about 0.2 µs each, so a well-formed commit token whose info claims
// HighestSeen = 2^62 keeps the node busy for thousands of years. The wire cannot judge such a
// value (it is a legal ordinal); the node should walk only the messages it holds. Until it does,
// the fuzz test holds such packets back and counts them, and says so in its output.
using Evs.Reference.Membership;
using Evs.Reference.Node;

namespace SpecTests.Wire;

public static class NodeHazard
{
    /// <summary>An ordinal further from zero than this spans a range the node walks in more than a moment.</summary>
    public const long Far = 100_000;

    /// <summary>Whether <paramref name="packet"/> would make the node walk a huge range of ordinals in step 4.b.</summary>
    public static bool Hangs(Packet packet) =>
        packet is CommitToken commit && commit.Infos.Where(i => i.OldConfiguration is not null).GroupBy(i => i.OldConfiguration!.Id)
            .Any(g => g.Count() > 1 && (g.Max(i => i.HighestSeen) > Far || g.Min(i => i.MyAru) < -Far));
}
