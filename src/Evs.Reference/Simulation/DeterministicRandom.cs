// Deterministic simulation needs one seeded random source whose sequence never changes, not
// with the runtime version nor the platform: "same seed, same trace, byte for byte".
// System.Random's seeded sequence is an implementation detail of .NET, so the simulator
// carries its own small, well-known generator: xoshiro256** seeded through SplitMix64.
namespace Evs.Reference.Simulation;

/// <summary>The simulator's only source of randomness (xoshiro256**, Blackman and Vigna).</summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public DeterministicRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max].</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => p > 0 && NextDouble() < p;

    /// <summary>Exponentially distributed with the given mean (inter-arrival times of a Poisson process).</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Fills <paramref name="bytes"/> with random bytes.</summary>
    public void Fill(Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i += 8)
        {
            ulong v = NextUInt64();
            for (int j = 0; j < 8 && i + j < bytes.Length; j++) bytes[i + j] = (byte)(v >> (8 * j));
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
