// Tests of the incarnation a node keeps in its store (docs/WIRE.md, "Fresh and addressed
// datagrams"): receivers tell a copy of an earlier run's datagram by its older incarnation, so the
// incarnation must grow at every start: across restarts, when the clock goes back (the file
// remembers), and when the store is lost (the clock has moved on since). A damaged file is
// refused, and left as it was.
using Evs.Runtime.Storage;
using Xunit;

namespace SpecTests.Storage;

public sealed class IncarnationFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public IncarnationFileTests() => Directory.CreateDirectory(_directory.Path);

    public void Dispose() => _directory.Dispose();

    private string FilePath => Path.Combine(_directory.Path, IncarnationFile.FileName);

    /// <summary>A clock that says what the test sets.</summary>
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_first_start_takes_the_clocks_milliseconds_and_writes_them_to_the_store()
    {
        ulong first = IncarnationFile.Advance(_directory.Path, new Clock(Noon));
        Assert.Equal((ulong)Noon.ToUnixTimeMilliseconds(), first);
        Assert.Equal($"{first}\n", File.ReadAllText(FilePath));
        Assert.Equal(first, IncarnationFile.Read(FilePath));
        Assert.Equal([IncarnationFile.FileName], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void It_grows_at_every_restart_even_within_one_millisecond_and_when_the_clock_goes_back()
    {
        var clock = new Clock(Noon);
        ulong first = IncarnationFile.Advance(_directory.Path, clock);
        ulong second = IncarnationFile.Advance(_directory.Path, clock);
        clock.Now = Noon.AddHours(-1);
        ulong third = IncarnationFile.Advance(_directory.Path, clock);
        clock.Now = Noon.AddDays(1);
        ulong fourth = IncarnationFile.Advance(_directory.Path, clock);

        Assert.Equal(first + 1, second);
        Assert.Equal(second + 1, third);
        Assert.Equal((ulong)Noon.AddDays(1).ToUnixTimeMilliseconds(), fourth);
    }

    [Fact]
    public void It_grows_when_the_store_was_lost_as_the_clock_moved_on()
    {
        var clock = new Clock(Noon);
        ulong before = IncarnationFile.Advance(_directory.Path, clock);
        for (int i = 0; i < 5; i++) IncarnationFile.Advance(_directory.Path, clock); // restarts in the same millisecond
        Directory.Delete(_directory.Path, recursive: true);
        Directory.CreateDirectory(_directory.Path);
        clock.Now = Noon.AddSeconds(1);

        Assert.True(IncarnationFile.Advance(_directory.Path, clock) > before + 5);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12x\n")]
    [InlineData("-5\n")]
    [InlineData("18446744073709551615\n")]
    [InlineData("99999999999999999999999\n")]
    public void A_file_that_holds_no_incarnation_is_refused_and_left_as_it_was(string content)
    {
        File.WriteAllText(FilePath, content);
        var error = Assert.Throws<StableStorageException>(() => IncarnationFile.Advance(_directory.Path, new Clock(Noon)));
        Assert.Equal(FilePath, error.Path);
        Assert.Contains("holds no incarnation", error.Message);
        Assert.Contains("Delete it", error.Message);
        Assert.Equal(content, File.ReadAllText(FilePath));
    }
}
