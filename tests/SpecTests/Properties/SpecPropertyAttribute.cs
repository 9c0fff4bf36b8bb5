// How many generated scenarios each property runs, and from which generator. CI runs a thousand
// per specification (issue #16), which keeps the suite within minutes on two cores; EVS_SOAK=N
// multiplies it for a long soak, and `evs soak` runs any number on every core.
using FsCheck.Xunit;

namespace SpecTests.Properties;

/// <summary>
/// A specification property: FsCheck over generated fault schedules (partitions, heals,
/// crashes, recoveries, failures during recovery, loss, duplication), one in three with an
/// adversary on the network (replays, copies to the wrong member, forgeries), <see cref="Runs"/>
/// times (times EVS_SOAK).
/// </summary>
public sealed class SpecPropertyAttribute : PropertyAttribute
{
    /// <summary>Scenarios per property in an ordinary run.</summary>
    public const int Runs = 1000;

    /// <summary>A property over <see cref="FaultSchedules.WithFaultsAndAdversary"/>.</summary>
    public SpecPropertyAttribute()
    {
        Arbitrary = [typeof(FaultSchedules.WithFaultsAndAdversary)];
        MaxTest = Runs * SoakFactor;
    }

    /// <summary>EVS_SOAK as a whole number at least 1; 1 when unset.</summary>
    public static int SoakFactor =>
        int.TryParse(Environment.GetEnvironmentVariable("EVS_SOAK"), out var n) && n > 1 ? n : 1;
}

/// <summary>
/// A property of correct processes on a faulty network: <see cref="SpecPropertyAttribute"/>'s fault
/// schedules without the adversary (<see cref="FaultSchedules.WithFaults"/>), as many of them.
/// </summary>
public sealed class CorrectClusterPropertyAttribute : PropertyAttribute
{
    /// <summary>A property over <see cref="FaultSchedules.WithFaults"/>.</summary>
    public CorrectClusterPropertyAttribute()
    {
        Arbitrary = [typeof(FaultSchedules.WithFaults)];
        MaxTest = SpecPropertyAttribute.Runs * SpecPropertyAttribute.SoakFactor;
    }
}

/// <summary>A property over fault-free scenarios (<see cref="FaultSchedules"/>): the network misbehaves, no process fails.</summary>
public sealed class FixedRingPropertyAttribute : PropertyAttribute
{
    /// <summary>Scenarios per property in an ordinary run.</summary>
    public const int Runs = 100;

    /// <summary>A property over <see cref="FaultSchedules.Scenarios"/>.</summary>
    public FixedRingPropertyAttribute()
    {
        Arbitrary = [typeof(FaultSchedules)];
        MaxTest = Runs * SpecPropertyAttribute.SoakFactor;
    }
}
