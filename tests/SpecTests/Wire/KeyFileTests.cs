// Tests of the wire format's key files (docs/WIRE.md, "Keys"): a generated key reads back, is
// private to its owner, and a file that is missing, not base64 or of the wrong length is refused
// with a message saying which.
using System.Runtime.Versioning;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("evs-key-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_generated_key_is_32_random_bytes_in_base64_and_reads_back()
    {
        var key = KeyFile.Generate(PathOf("a.key"));
        var other = KeyFile.Generate(PathOf("b.key"));

        Assert.Equal(32, key.Length);
        Assert.NotEqual(key, other);
        Assert.Equal(key, KeyFile.Read(PathOf("a.key")));
        Assert.Equal(Convert.ToBase64String(key), File.ReadAllText(PathOf("a.key")).Trim());
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_key_file_is_readable_and_writable_by_its_owner_only_also_when_replacing_a_file()
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows has no Unix file modes: run it on Linux or macOS");
        File.WriteAllText(PathOf("old.key"), "x");
        File.SetUnixFileMode(PathOf("old.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        KeyFile.Generate(PathOf("new.key"));
        KeyFile.Generate(PathOf("old.key"), replace: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("new.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("old.key")));
    }

    [Fact]
    public void An_existing_key_file_is_replaced_only_when_asked()
    {
        var first = KeyFile.Generate(PathOf("k.key"));
        var error = Assert.Throws<KeyFileException>(() => KeyFile.Generate(PathOf("k.key")));
        Assert.Contains("exists", error.Message);
        Assert.Equal(first, KeyFile.Read(PathOf("k.key")));

        var second = KeyFile.Generate(PathOf("k.key"), replace: true);
        Assert.NotEqual(first, second);
        Assert.Equal(second, KeyFile.Read(PathOf("k.key")));
    }

    [Fact]
    public void A_key_file_that_cannot_be_written_says_so() =>
        Assert.Contains("cannot be written", Assert.Throws<KeyFileException>(() => KeyFile.Generate(PathOf("no/such/dir.key"))).Message);

    [Theory]
    [InlineData(null, "does not exist")]
    [InlineData("not base64 at all!", "not base64")]
    [InlineData("AAAA", "holds 3 bytes")]
    [InlineData("", "holds 0 bytes")]
    public void A_bad_key_file_is_refused_saying_what_is_wrong(string? content, string expected)
    {
        if (content is not null) File.WriteAllText(PathOf("bad.key"), content);
        var error = Assert.Throws<KeyFileException>(() => KeyFile.Read(PathOf("bad.key")));
        Assert.Contains(expected, error.Message);
        Assert.Contains("bad.key", error.Message);
    }

    [Fact]
    public void A_read_key_makes_a_cluster_with_authentication()
    {
        var key = KeyFile.Generate(PathOf("c.key"));
        using var sender = new WireFormat(new WireOptions(Wires.Cluster, WireSecurity.Hmac(KeyFile.Read(PathOf("c.key")))));
        using var receiver = new WireFormat(new WireOptions(Wires.Cluster, WireSecurity.Hmac(key)));
        PacketAssert.Equal([Packets.Join()], receiver.DecodeAll(sender.Encode([Packets.Join()])));
    }
}
