// docs/SCENARIOS.md "adversary", read: the adversary on the simulated network (AdversarySettings).
// A part of ScenarioReader's parser of its own, because it has lists of names to check: an attack,
// a kind of packet or a phase that does not exist is refused by name, and so is a forgery asked of
// an adversary without the key, rather than quietly left out of the run.
using System.Collections.Immutable;
using System.Text.Json;
using Evs.Reference.Membership;

namespace Evs.Reference.Simulation;

public static partial class ScenarioReader
{
    private sealed partial class Parser
    {
        private AdversarySettings AdversaryOf(JsonElement value, double stopAt)
        {
            int line = Line("adversary");
            Only(value, line, "adversary", "from_ms", "until_ms", "rate", "key", "attacks", "packets", "phases");
            double from = value.TryGetProperty("from_ms", out var f) ? NonNegative(f, "adversary.from_ms", line) : 0;
            double until = value.TryGetProperty("until_ms", out var u) ? NonNegative(u, "adversary.until_ms", line) : stopAt;
            if (from > until) throw Error(line, $"adversary: from_ms {from} is after until_ms {until}");
            double rate = value.TryGetProperty("rate", out var r) ? NonNegative(r, "adversary.rate", line) : 100;
            bool withKey = value.TryGetProperty("key", out var k) && Boolean(k, "adversary.key", line);
            var attacks = value.TryGetProperty("attacks", out var a) ? Names<AdversaryAttack>(a, "adversary.attacks", line) : AdversarySettings.AttacksPossible(withKey);
            var forgeries = attacks.Where(AdversarySettings.NeedsKey).ToList();
            if (!withKey && forgeries.Count > 0)
                throw Error(line, $"adversary: \"{AdversaryNames.ToName(forgeries[0])}\" forges packets, which needs \"key\": true");
            var kinds = value.TryGetProperty("packets", out var p) ? Names<CapturedPacketKind>(p, "adversary.packets", line) : [.. Enum.GetValues<CapturedPacketKind>()];
            var phases = value.TryGetProperty("phases", out var s) ? Names<MembershipState>(s, "adversary.phases", line) : [.. Enum.GetValues<MembershipState>()];
            return new AdversarySettings(from, until, rate, withKey, attacks, kinds, phases);
        }

        // A non-empty list of names of T's values, each once, in the order given.
        private ImmutableArray<T> Names<T>(JsonElement value, string what, int line) where T : struct, Enum
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                throw Error(line, $"{what} must be a non-empty list of names ({AdversaryNames.All<T>()})");
            var result = new List<T>();
            foreach (var item in value.EnumerateArray())
            {
                string name = String(item, what, line);
                if (!AdversaryNames.TryParse<T>(name, out var parsed)) throw Error(line, $"{what}: unknown name \"{name}\" (expected one of {AdversaryNames.All<T>()})");
                if (!result.Contains(parsed)) result.Add(parsed);
            }
            return [.. result];
        }

        private bool Boolean(JsonElement value, string what, int line) => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(line, $"{what} must be true or false"),
        };
    }
}
