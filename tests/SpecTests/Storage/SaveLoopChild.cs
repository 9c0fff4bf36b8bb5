// The child process of the SIGKILL test: a process that does nothing but save, as fast as it
// can, until it is killed. It needs an entry point, and the test assembly's Main belongs to the
// test SDK, so the child is the test assembly run by `dotnet exec` with this type as a startup
// hook (DOTNET_STARTUP_HOOKS), which the runtime calls before Main.
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.PrimaryComponent;
using Evs.Reference.Storage;
using Evs.Runtime.Storage;

/// <summary>
/// The startup hook: the runtime looks for a type of this name, in no namespace, with a
/// static Initialize.
/// </summary>
public static class StartupHook
{
    /// <summary>Runs the save loop when the test asked for it; otherwise returns at once.</summary>
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(SpecTests.Storage.SaveLoopChild.DirectoryVariable) is { Length: > 0 } directory)
            SpecTests.Storage.SaveLoopChild.Run(directory, Environment.GetEnvironmentVariable(SpecTests.Storage.SaveLoopChild.SyncVariable) != "false");
    }
}

namespace SpecTests.Storage
{
    /// <summary>Saves ever larger states, each determined by its sequence number, until killed.</summary>
    public static class SaveLoopChild
    {
        /// <summary>The environment variable that names the storage directory.</summary>
        public const string DirectoryVariable = "EVS_SAVE_LOOP_DIRECTORY";

        /// <summary>The environment variable that says whether saves are flushed to the disk ("false": to the kernel only).</summary>
        public const string SyncVariable = "EVS_SAVE_LOOP_SYNC";

        /// <summary>
        /// The state the child saves for a sequence number, so a reader can tell a whole one; its
        /// primary history changes with the number too, so every field of the file is rewritten.
        /// </summary>
        public static StableState StateFor(long sequence)
        {
            var members = Enumerable.Range(1, (int)(sequence % 5) + 1).Select(i => new ProcessId("p" + i)).ToImmutableSortedSet(ProcessId.Ordinal);
            PrimaryRecord Primary(long ring) => new(ConfigurationId.Regular(new RingId(ring, members.Min)), ring, members, members.Max);
            var history = new PrimaryHistory(Primary(sequence - 2), [Primary(sequence - 1), Primary(sequence)], Primary(sequence - 1), (int)(sequence % 1000), (int)(sequence % 1000) / 2);
            return new(sequence, ConfigurationId.Regular(new RingId(sequence, new ProcessId("p" + sequence % 7))), history);
        }

        /// <summary>Like a restarted process: continues from the loaded state, never returns.</summary>
        public static void Run(string directory, bool syncToDisk)
        {
            var storage = new FileStableStorage(directory, syncToDisk);
            for (long next = (storage.Load()?.HighestRingSequence ?? 0) + 1; ; next++)
                storage.Save(StateFor(next));
        }
    }
}
