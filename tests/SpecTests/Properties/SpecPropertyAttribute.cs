// How many generated scenarios each specification property runs. CI runs a number that keeps
// the suite within minutes on two cores; EVS_SOAK=N multiplies it for a long soak run.
using FsCheck.Xunit;

namespace SpecTests.Properties;

/// <summary>An FsCheck property over generated scenarios, run <see cref="Runs"/> times (times EVS_SOAK).</summary>
public sealed class SpecPropertyAttribute : PropertyAttribute
{
    /// <summary>Scenarios per property in an ordinary run.</summary>
    public const int Runs = 100;

    /// <summary>A property with <see cref="FaultSchedules"/> as its generators.</summary>
    public SpecPropertyAttribute()
    {
        Arbitrary = [typeof(FaultSchedules)];
        MaxTest = Runs * SoakFactor;
    }

    /// <summary>EVS_SOAK as a whole number at least 1; 1 when unset.</summary>
    public static int SoakFactor =>
        int.TryParse(Environment.GetEnvironmentVariable("EVS_SOAK"), out var n) && n > 1 ? n : 1;
}
