// The replicated state of the example: a map from keys to values that every replica changes only
// by applying, in the group's delivery order, the commands every replica delivers. Two replicas
// that delivered the same commands hold the same map.
//
// After a partition, the sides have applied different commands. When they meet again, each
// replica sends its whole map to the group and merges the maps it receives, key by key, keeping
// the value written last. "Last" is decided by the version of the write, which every replica
// reads the same way: a Lamport clock the writer stamps on it (one more than the highest clock it
// has seen, so a write made after another is delivered wins over it), then the writer and its
// message's counter to break ties between writes neither saw. The merge is commutative,
// associative and idempotent, so replicas that delivered the same maps and writes agree.
using System.Security.Cryptography;
using System.Text;

namespace ReplicatedKv;

/// <summary>The version of a write: its writer's Lamport clock, then the writer and its message's counter, compared in that order.</summary>
public readonly record struct WriteVersion(long Clock, string Sender, long Counter) : IComparable<WriteVersion>
{
    /// <inheritdoc/>
    public int CompareTo(WriteVersion other)
    {
        int byClock = Clock.CompareTo(other.Clock);
        if (byClock != 0) return byClock;
        int bySender = string.CompareOrdinal(Sender, other.Sender);
        return bySender != 0 ? bySender : Counter.CompareTo(other.Counter);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Clock}.{Sender}.{Counter}";
}

/// <summary>A value and the version of the write that put it there.</summary>
public readonly record struct Entry(string Value, WriteVersion Version);

/// <summary>The map one replica holds.</summary>
public sealed class KeyValueStore
{
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How many keys the map holds.</summary>
    public int Count => _entries.Count;

    /// <summary>The entries, sorted by key.</summary>
    public IEnumerable<KeyValuePair<string, Entry>> Entries => _entries;

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>
    /// Applies a write: it replaces what the map holds for <paramref name="key"/> unless that has a
    /// later version (a write merged from another side of a partition may be older).
    /// </summary>
    public void Apply(string key, Entry entry)
    {
        if (!_entries.TryGetValue(key, out var held) || held.Version.CompareTo(entry.Version) < 0)
            _entries[key] = entry;
    }

    /// <summary>Merges another replica's map into this one, key by key.</summary>
    public void Merge(IEnumerable<KeyValuePair<string, Entry>> entries)
    {
        foreach (var (key, entry) in entries) Apply(key, entry);
    }

    /// <summary>The highest clock of any write the map holds.</summary>
    public long Clock => _entries.Values.Select(e => e.Version.Clock).DefaultIfEmpty(0).Max();

    /// <summary>
    /// A digest of the whole map, keys, values and versions: two replicas hold the same map exactly
    /// when their digests are equal (up to SHA-256 collisions).
    /// </summary>
    public string Digest()
    {
        var text = new StringBuilder();
        foreach (var (key, entry) in _entries)
            text.Append(key).Append('\0').Append(entry.Value).Append('\0').Append(entry.Version).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
