namespace Postern.Cli.Tests;

/// <summary><c>postern create -f</c> refuses an app on Postern's own address.</summary>
public sealed partial class AdminCliTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("127.0.0.1:8443")]
    public async Task Create_refuses_an_app_whose_public_addr_is_Postern_s_own_host_whatever_the_port(string publicAddr)
    {
        var port = new Uri(_server.BaseUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var file = _dir.File("self.yaml");
        File.WriteAllText(file, $"""
            kind: app
            version: v1
            metadata: {"{"}name: self{"}"}
            spec:
              uri: http://127.0.0.1:8081
              public_addr: {publicAddr.Replace("{port}", port, StringComparison.Ordinal)}
            """);

        var (exit, _, error) = await RunAsync("create", "-f", file);

        Assert.Equal(2, exit);
        Assert.Contains("app 'self': spec.public_addr:", error, StringComparison.Ordinal);
        Assert.Contains("is Postern's own address", error, StringComparison.Ordinal);
        (exit, _, _) = await RunAsync("get", "app", "self");
        Assert.Equal(1, exit);
    }
}
