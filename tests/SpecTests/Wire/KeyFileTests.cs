// Tests of the wire format's key files (docs/WIRE.md, "Keys"): a generated key reads back, is
// private to its owner, and a file that is missing, not base64 or of the wrong length is refused
// with a message saying which. On Unix, a file its group or others may read or write is refused
// unless allowed, and a new key never goes through a symbolic link to the file it points to.
using System.Diagnostics;
using System.Runtime.Versioning;
using Evs.Runtime.Wire;
using Xunit;

namespace SpecTests.Wire;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("evs-key-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // A file of the given content that only its owner may read and write, as a key file must be
    // (File.WriteAllText leaves what the umask gives, typically 0644).
    private void WritePrivate(string name, string content)
    {
        File.WriteAllText(PathOf(name), content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PathOf(name), Private);
    }

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
        if (content is not null) WritePrivate("bad.key", content);
        var error = Assert.Throws<KeyFileException>(() => KeyFile.Read(PathOf("bad.key")));
        Assert.Contains(expected, error.Message);
        Assert.Contains("bad.key", error.Message);
    }

    [Fact]
    public void A_read_key_makes_a_cluster_with_authentication()
    {
        var key = KeyFile.Generate(PathOf("c.key"));
        using var sender = new WireFormat(new WireOptions(Wires.Cluster, WireSecurity.Hmac(KeyFile.Read(PathOf("c.key"))), Packets.P1, Incarnation: 1));
        using var receiver = new WireFormat(new WireOptions(Wires.Cluster, WireSecurity.Hmac(key), Packets.P2, Incarnation: 1));
        PacketAssert.Equal([Packets.Join()], receiver.DecodeAll(sender.Encode([Packets.Join()], to: null)));
    }

    [SkippableTheory]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite, "0666")]
    [InlineData(UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.OtherWrite, "0602")]
    [UnsupportedOSPlatform("windows")]
    public void A_key_file_its_group_or_others_may_read_or_write_is_refused_saying_how_to_make_it_private(UnixFileMode others, string octal)
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows has no Unix file modes: run it on Linux or macOS");
        KeyFile.Generate(PathOf("open.key"));
        File.SetUnixFileMode(PathOf("open.key"), Private | others);

        var error = Assert.Throws<KeyFileException>(() => KeyFile.Read(PathOf("open.key")));
        Assert.Contains($"key file {PathOf("open.key")} has mode {octal}", error.Message);
        Assert.Contains($"chmod 600 {PathOf("open.key")}", error.Message);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void An_open_key_file_is_read_with_one_warning_when_insecure_keys_are_allowed()
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows has no Unix file modes: run it on Linux or macOS");
        var key = KeyFile.Generate(PathOf("open.key"));
        File.SetUnixFileMode(PathOf("open.key"), Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var warnings = new List<string>();

        Assert.Equal(key, KeyFile.Read(PathOf("open.key"), allowInsecure: true, warnings.Add));
        Assert.Contains("has mode 0644", Assert.Single(warnings));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_private_key_file_is_read_without_a_warning()
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows has no Unix file modes: run it on Linux or macOS");
        var key = KeyFile.Generate(PathOf("private.key"));
        File.SetUnixFileMode(PathOf("private.key"), UnixFileMode.UserRead);
        var warnings = new List<string>();

        Assert.Equal(key, KeyFile.Read(PathOf("private.key"), allowInsecure: true, warnings.Add));
        Assert.Equal(key, KeyFile.Read(PathOf("private.key")));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_new_key_is_never_written_through_a_symbolic_link(bool replace)
    {
        File.WriteAllText(PathOf("victim"), "the file the link points to\n");
        var before = File.ReadAllBytes(PathOf("victim"));
        File.CreateSymbolicLink(PathOf("link.key"), PathOf("victim"));

        var error = Assert.Throws<KeyFileException>(() => KeyFile.Generate(PathOf("link.key"), replace));
        Assert.Contains($"key file {PathOf("link.key")} is a symbolic link", error.Message);
        Assert.Equal(before, File.ReadAllBytes(PathOf("victim")));
        Assert.Equal(PathOf("victim"), new FileInfo(PathOf("link.key")).LinkTarget);
        Assert.Equal(["link.key", "victim"], Names());
    }

    [Fact]
    public void A_new_key_is_not_written_through_a_link_to_nowhere()
    {
        File.CreateSymbolicLink(PathOf("dangling.key"), PathOf("made-by-the-link"));

        Assert.Contains("is a symbolic link", Assert.Throws<KeyFileException>(() => KeyFile.Generate(PathOf("dangling.key"), replace: true)).Message);
        Assert.False(File.Exists(PathOf("made-by-the-link")));
    }

    [SkippableFact]
    public void A_replaced_key_file_is_a_new_file_so_a_hard_link_elsewhere_keeps_the_old_key()
    {
        Skip.If(OperatingSystem.IsWindows(), "the test makes the hard link with ln");
        var old = KeyFile.Generate(PathOf("k.key"));
        using (var ln = Process.Start("ln", [PathOf("k.key"), PathOf("elsewhere.key")])) ln.WaitForExit();

        var replaced = KeyFile.Generate(PathOf("k.key"), replace: true);
        Assert.Equal(replaced, KeyFile.Read(PathOf("k.key")));
        Assert.Equal(old, KeyFile.Read(PathOf("elsewhere.key")));
        Assert.Equal(["elsewhere.key", "k.key"], Names());
    }

    [Fact]
    public void A_directory_is_not_replaced_by_a_key()
    {
        Directory.CreateDirectory(PathOf("d.key"));
        Assert.Contains("is a directory", Assert.Throws<KeyFileException>(() => KeyFile.Generate(PathOf("d.key"), replace: true)).Message);
        Assert.True(Directory.Exists(PathOf("d.key")));
    }

    [Fact]
    public void Writing_and_replacing_a_key_leave_no_temporary_file_beside_it()
    {
        KeyFile.Generate(PathOf("k.key"));
        KeyFile.Generate(PathOf("k.key"), replace: true);
        Assert.Throws<KeyFileException>(() => KeyFile.Generate(PathOf("k.key")));
        Assert.Equal(["k.key"], Names());
    }

    // The names in the test's directory, sorted: what a write left behind.
    private string[] Names() => [.. Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
