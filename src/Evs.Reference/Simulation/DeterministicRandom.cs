// Deterministic simulation needs one seeded random source whose sequence never changes, not
// with the runtime version nor the platform: "same seed, same trace, byte for byte".
// System.Random's seeded sequence is an implementation detail of .NET, so the simulator
// carries its own small, well-known generator: xoshiro256** seeded through SplitMix64. A part of
// the simulator that must not disturb the run's sequence (the adversary on the network) draws from
// a stream of its own: the same generator jumped ahead 2^128 draws, which no run ever reaches.
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

    /// <summary>
    /// Stream <paramref name="stream"/> of <paramref name="seed"/>: stream 0 is the run's own
    /// sequence, stream k the same sequence jumped ahead k times 2^128 draws (the authors' jump
    /// function), so that drawing from one stream never changes what another one draws.
    /// </summary>
    public static DeterministicRandom Stream(long seed, int stream)
    {
        var random = new DeterministicRandom(seed);
        for (int i = 0; i < stream; i++) random.Jump();
        return random;
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

    /// <summary>Uniform in [0, <paramref name="count"/>), for a count above 0.</summary>
    public long Below(long count) => (long)(NextUInt64() % (ulong)count);

    /// <summary>Fills <paramref name="bytes"/> with random bytes.</summary>
    public void Fill(Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i += 8)
        {
            ulong v = NextUInt64();
            for (int j = 0; j < 8 && i + j < bytes.Length; j++) bytes[i + j] = (byte)(v >> (8 * j));
        }
    }

    // Blackman and Vigna's jump for xoshiro256: the state 2^128 draws ahead.
    private static readonly ulong[] JumpPolynomial = [0x180ec6d33cfd0abaUL, 0xd5a61266f0c9392cUL, 0xa9582618e03fc9aaUL, 0x39abdc4529b1661cUL];

    private void Jump()
    {
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        foreach (ulong word in JumpPolynomial)
        {
            for (int bit = 0; bit < 64; bit++)
            {
                if ((word & (1UL << bit)) != 0)
                {
                    s0 ^= _s0;
                    s1 ^= _s1;
                    s2 ^= _s2;
                    s3 ^= _s3;
                }
                NextUInt64();
            }
        }
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
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
