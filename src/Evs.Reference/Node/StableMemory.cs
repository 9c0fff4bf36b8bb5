// The paper, Section 2: "A process may fail and may subsequently recover after an arbitrary
// amount of time with its stable storage intact." What a node must not forget, kept here between
// steps, and handed to its driver as an output (PersistState) whenever a step changed it: the
// node itself never writes storage (etcd raft's Ready: the hard state is persisted before the
// messages that depend on it are sent).
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Storage;

namespace Evs.Reference.Node;

/// <summary>
/// One process's stable state: the highest ring sequence number it has seen or used (so no ring
/// or message identifier is used twice), the last configuration it installed, and its primary
/// component history (kept by
/// <see cref="PrimaryInstall"/>, passed in when a step ends).
/// </summary>
public sealed class StableMemory
{
    private StableState? _persisted;

    /// <summary>The highest ring sequence number this process has seen or used.</summary>
    public long HighestRingSequence { get; private set; }

    /// <summary>The last configuration this process installed.</summary>
    public ConfigurationId? LastConfiguration { get; private set; }

    /// <summary>A first start: nothing is saved yet, and nothing needs to be until something changes.</summary>
    public void Begin(PrimaryHistory history) => _persisted = new StableState(HighestRingSequence, LastConfiguration, history);

    /// <summary>A restart from what was saved (null if the process crashed before saving anything).</summary>
    public void Restore(StableState? saved, PrimaryHistory history)
    {
        HighestRingSequence = saved?.HighestRingSequence ?? 0;
        LastConfiguration = saved?.LastConfiguration;
        Begin(history);
    }

    /// <summary>This process has seen or used ring sequence number <paramref name="sequence"/>.</summary>
    public void SawRingSequence(long sequence) => HighestRingSequence = Math.Max(HighestRingSequence, sequence);

    /// <summary>This process has installed <paramref name="configuration"/>.</summary>
    public void Installed(ConfigurationId configuration) => LastConfiguration = configuration;

    /// <summary>
    /// At the end of a step: when it changed what must survive a crash, <see cref="PersistState"/>
    /// goes first in the step's <paramref name="outputs"/>, so that the driver writes it before a
    /// ring or message identifier is sent, or a configuration delivered, that depends on it.
    /// </summary>
    public void PersistIfChanged(PrimaryHistory history, List<NodeOutput> outputs)
    {
        if (_persisted is { } p && p.HighestRingSequence == HighestRingSequence && p.LastConfiguration == LastConfiguration
            && ReferenceEquals(p.Primary, history)) return;
        _persisted = new StableState(HighestRingSequence, LastConfiguration, history);
        outputs.Insert(0, new PersistState(_persisted));
    }
}
