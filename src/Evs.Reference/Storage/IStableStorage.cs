// Section 2: "A process may fail and may subsequently recover after an arbitrary amount of
// time with its stable storage intact." The node never sees this interface: it returns what must
// be kept as a PersistState output (Node/StableMemory), and its driver writes that here: memory
// that survives a simulated crash, or a file (Evs.Runtime's FileStableStorage).
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;

namespace Evs.Reference.Storage;

/// <summary>
/// What a process keeps across a crash.
/// <see cref="HighestRingSequence"/> is the highest ring sequence number it has seen or used:
/// a ring it forms or joins after recovering gets a larger one, so neither a ring identifier nor
/// a message identifier (<c>sender.ringseq.counter</c>) is ever used twice.
/// <see cref="LastConfiguration"/> is the configuration it last installed: a real node restarting
/// after a kill says it in its log, beside the configuration its trace names in the <c>fail</c>
/// line it writes (docs/TRACE.md), which may be one behind.
/// <see cref="Primary"/> is what the primary component algorithm must not forget (the last
/// primary component known installed, the ambiguous ones after it, the last one this process
/// installed and how many virtual synchrony identifiers it has had).
/// </summary>
public sealed record StableState(long HighestRingSequence, ConfigurationId? LastConfiguration = null, PrimaryHistory? Primary = null);

/// <summary>
/// A process's stable storage. <see cref="Save"/> is atomic: after a crash at any moment,
/// <see cref="Load"/> returns the state of the last completed save (or of the one before).
/// </summary>
public interface IStableStorage
{
    /// <summary>The last saved state, or null on a process's first start.</summary>
    StableState? Load();

    /// <summary>Replaces the saved state, atomically.</summary>
    void Save(StableState state);
}

/// <summary>Stable storage in memory: what the simulator gives a node; it survives the simulated crash.</summary>
public sealed class InMemoryStableStorage : IStableStorage
{
    private StableState? _state;

    /// <inheritdoc/>
    public StableState? Load() => _state;

    /// <inheritdoc/>
    public void Save(StableState state) => _state = state;
}
