namespace Postern.Core.Tests;

/// <summary>A private file is written owner-only through a fresh temporary file, and no temporary file is left behind.</summary>
public sealed class PrivateFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "postern-private-" + Guid.NewGuid().ToString("N"));

    private string Target => Path.Combine(_dir, "key.pem");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void A_write_leaves_the_file_owner_only_in_an_owner_only_folder_and_nothing_else()
    {
        PrivateFile.Write(Target, "secret", overwrite: false);

        Assert.Equal("secret", File.ReadAllText(Target));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        Assert.Equal([Target], Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_file_planted_where_a_predictable_temporary_file_would_go_is_neither_used_nor_able_to_make_the_file_readable()
    {
        Directory.CreateDirectory(_dir);
        var planted = Target + ".tmp";
        File.WriteAllText(planted, "planted");
        File.SetUnixFileMode(planted, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        PrivateFile.Write(Target, "secret", overwrite: false);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Target));
        Assert.Equal("planted", File.ReadAllText(planted));
        Assert.Equal([Target, planted], Directory.GetFiles(_dir).Order());
    }

    [Fact]
    public void A_refused_write_leaves_no_temporary_file_behind()
    {
        PrivateFile.Write(Target, "first", overwrite: false);

        Assert.ThrowsAny<IOException>(() => PrivateFile.Write(Target, "second", overwrite: false));

        Assert.Equal("first", File.ReadAllText(Target));
        Assert.Equal([Target], Directory.GetFiles(_dir));
    }
}
