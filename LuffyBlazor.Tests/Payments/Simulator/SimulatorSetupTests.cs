using System.Net;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.Simulator;

public sealed class SimulatorSetupTests
{
    [Theory]
    [InlineData("/dev/alipay/gateway.do")]
    [InlineData("/dev/alipay/console")]
    [InlineData("/dev/alipay/cashier/2026112522001446870500012345")]
    public async Task In_production_the_simulator_does_not_exist(string path)
    {
        using var app = new LuffyAppFactory { EnvironmentName = "Production" };

        using var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task With_nothing_configured_the_first_run_generates_both_key_pairs_and_the_app_talks_to_the_simulator()
    {
        using var sim = new SimulatorApp(new Dictionary<string, string?>
        {
            ["Alipay:AppId"] = "",
            ["Alipay:AppPrivateKeyPath"] = "",
            ["Alipay:AlipayPublicKeyPath"] = "",
            ["Alipay:Simulator:AppPublicKeyPath"] = "",
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = "",
        });
        var keys = Path.Combine(sim.App.Root, "keys");

        var answer = await sim.Alipay.QueryTradeAsync("T20261125NOTHINGYET");

        Assert.True(answer.IsTradeNotExist); // signed by the generated "Alipay" key, verified with its public half
        Assert.Equal(SimulatorSetup.DefaultAppId, sim.App.Services.GetRequiredService<IOptions<AlipayOptions>>().Value.AppId);
        Assert.All([SimulatorKeys.AppPrivateKeyFile, SimulatorKeys.AppPublicKeyFile, SimulatorKeys.AlipayPrivateKeyFile, SimulatorKeys.AlipayPublicKeyFile],
            file => Assert.True(File.Exists(Path.Combine(keys, file)), file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keys, SimulatorKeys.AppPrivateKeyFile)));
        }
    }

    [Fact]
    public void With_the_simulator_on_and_no_gateway_set_the_simulator_sets_its_own_on_the_apps_address()
    {
        using var sim = new SimulatorApp();

        var gateway = sim.App.Services.GetRequiredService<IOptions<AlipayOptions>>().Value.Gateway;

        Assert.Equal(SimulatorEndpoints.GatewayPath, gateway);
        Assert.Equal(sim.BaseUrl + "/dev/alipay/gateway.do", sim.App.Services.GetRequiredService<AlipayGateway>().Url);
    }

    [Fact]
    public void A_gateway_that_is_set_stays_with_the_simulator_on()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Alipay:Simulator:Enabled"] = "true",
            ["Alipay:Simulator:AppPublicKeyPath"] = AlipayTestKeys.AppPublicKeyPath,
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = AlipayTestKeys.AlipayPrivateKeyPath,
            ["Alipay:Gateway"] = AlipayOptions.SandboxGateway,
        });
        app.CreateClient();

        Assert.Equal(AlipayOptions.SandboxGateway, app.Services.GetRequiredService<AlipayGateway>().Url);
    }

    [Fact]
    public void Keys_that_do_not_match_the_simulators_stop_start_up_with_the_reason()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Alipay:Simulator:Enabled"] = "true",
            ["Alipay:Simulator:AppPublicKeyPath"] = AlipayTestKeys.AppPublicKeyPath,
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = AlipayTestKeys.AppPrivateKeyPath, // not the pair of Alipay:AlipayPublicKeyPath
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("the app would refuse every notify", error.ToString());
    }
}
