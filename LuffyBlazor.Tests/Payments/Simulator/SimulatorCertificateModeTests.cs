using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>The simulator in certificate mode: it issues the certificates, the app uses them, the gateway checks the SNs.</summary>
public sealed class SimulatorCertificateModeTests(SimulatorCertificateModeTests.CertificateSimulator sim) : IClassFixture<SimulatorCertificateModeTests.CertificateSimulator>
{
    /// <summary>The app on Kestrel with the simulator in certificate mode and the test keys.</summary>
    public sealed class CertificateSimulator() : IDisposable
    {
        public SimulatorApp Sim { get; } = new(new Dictionary<string, string?> { ["Alipay:Simulator:CertificateMode"] = "true" });

        public void Dispose() => Sim.Dispose();
    }

    private SimulatorApp Sim => sim.Sim;

    private string Keys => Path.Combine(Sim.App.Root, "keys");

    /// <summary>A page pay signed by the app's own signer, with its parameters changed after signing.</summary>
    private string PayUrl(Order order, Action<List<KeyValuePair<string, string>>> change)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(Sim.PayUrl(order)).Query)
            .Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())).ToList();
        change(query);
        return AlipayRequestSigner.ToUrl(Sim.BaseUrl + SimulatorEndpoints.GatewayPath, query);
    }

    private static void Set(List<KeyValuePair<string, string>> parameters, string key, string? value)
    {
        parameters.RemoveAll(p => p.Key == key);
        if (value is not null)
        {
            parameters.Add(new(key, value));
        }
    }

    [Fact]
    public async Task The_first_run_issues_the_certificates_and_a_purchase_is_paid_through_them()
    {
        var credentials = Sim.App.Services.GetRequiredService<AlipayCredentials>();
        var issued = SimulatorCertificates.Read(Keys);
        var (learner, _) = await Sim.App.CreateLearnerAsync();
        var order = await Sim.App.PlaceOrderAsync(learner, 2);

        using var paid = await Cashier.PayAsync(Sim.Browser(), Sim.PayUrl(order));
        await Sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        var query = await Sim.Alipay.QueryTradeAsync(order.OutTradeNo);

        Assert.All([SimulatorCertificates.RootKeyFile, SimulatorCertificates.RootCertFile, SimulatorCertificates.AlipayCertFile, SimulatorCertificates.AppCertFile],
            file => Assert.True(File.Exists(Path.Combine(Keys, file)), file));
        Assert.Equal((issued.AppCertSn, issued.AlipayRootCertSn), (credentials.Certificates!.AppCertSn, credentials.Certificates.AlipayRootCertSn));
        Assert.Null(Sim.App.Services.GetRequiredService<IOptions<AlipayOptions>>().Value.AlipayPublicKeyPath);
        Assert.True(query.IsSuccess && query.IsSigned);
        Assert.Equal("TRADE_SUCCESS", query.Data!.TradeStatus);
    }

    [Fact]
    public async Task Answers_carry_the_sn_of_the_simulators_alipay_certificate()
    {
        var signed = Sim.App.Services.GetRequiredService<AlipayRequestSigner>().Sign("alipay.trade.query", "{\"out_trade_no\":\"T20261125NOTHING\"}");
        using var http = new HttpClient();

        using var answer = await http.PostAsync(Sim.BaseUrl + SimulatorEndpoints.GatewayPath, new FormUrlEncodedContent(signed));
        var body = await answer.Content.ReadAsStringAsync();

        Assert.Contains($",\"alipay_cert_sn\":\"{SimulatorCertificates.Read(Keys).AlipayCertSn}\",\"sign\":", body);
        Assert.Contains("ACQ.TRADE_NOT_EXIST", body);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "no app_cert_sn", "isv.missing-app-cert-sn" },
        { "no alipay_root_cert_sn", "isv.missing-alipay-root-cert-sn" },
        { "another app_cert_sn", "isv.app-cert-not-exist" },
        { "another alipay_root_cert_sn", "isv.invalid-alipay-root-cert-sn" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task The_gateway_refuses_a_request_without_the_right_sns_as_alipay_does(string request, string expectedCode)
    {
        var order = await Sim.App.PlaceOrderAsync((await Sim.App.CreateLearnerAsync()).Id, 4);
        var url = request switch
        {
            "no app_cert_sn" => PayUrl(order, p => Set(p, "app_cert_sn", null)),
            "no alipay_root_cert_sn" => PayUrl(order, p => Set(p, "alipay_root_cert_sn", null)),
            "another app_cert_sn" => PayUrl(order, p => Set(p, "app_cert_sn", "0123456789abcdef0123456789abcdef")),
            _ => PayUrl(order, p => Set(p, "alipay_root_cert_sn", "0123456789abcdef0123456789abcdef")),
        };

        var (status, cashier, html) = await Cashier.OpenAsync(Sim.Browser(), url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(cashier);
        Assert.Equal(expectedCode, Cashier.ErrorCode(html));
    }

    [Fact]
    public void An_app_configured_with_other_certificates_than_the_simulator_issued_stops_start_up_with_the_reason()
    {
        var settings = TestCertificateChain.Shared.Settings();
        settings["Alipay:Simulator:Enabled"] = "true";
        settings["Alipay:Simulator:CertificateMode"] = "true";
        settings["Alipay:Simulator:AppPublicKeyPath"] = AlipayTestKeys.AppPublicKeyPath;
        settings["Alipay:Simulator:AlipayPrivateKeyPath"] = AlipayTestKeys.AlipayPrivateKeyPath;
        using var app = new LuffyAppFactory(settings);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient()).ToString();

        Assert.Contains("Alipay:AppCertPath is not the application certificate the simulator issued", error);
        Assert.Contains("Alipay:AlipayRootCertPath is not the simulator's root bundle", error);
        Assert.Contains("Leave Alipay:AppCertPath, Alipay:AlipayPublicCertPath and Alipay:AlipayRootCertPath empty", error);
    }

    [Fact]
    public void A_first_run_whose_simulator_keys_are_still_to_be_made_says_what_does_not_match_instead_of_crashing()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Alipay:Simulator:Enabled"] = "true",
            ["Alipay:Simulator:CertificateMode"] = "true",
            ["Alipay:Simulator:AppPublicKeyPath"] = "",
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = "",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient()).ToString();

        // The simulator issued its certificate for the key it generated, not for the app's test key: said so, by name.
        Assert.Contains("/keys/app_public_cert.crt') is not the certificate of Alipay:AppPrivateKey", error);
        Assert.DoesNotContain("FileNotFoundException", error);
        Assert.True(File.Exists(Path.Combine(app.Root, "keys", SimulatorCertificates.AppCertFile)));
    }

    [Fact]
    public async Task Instances_racing_on_a_first_run_end_up_with_one_consistent_set_of_certificates()
    {
        for (var round = 0; round < 10; round++)
        {
            var folder = Path.Combine(Path.GetTempPath(), "luffy-tests", "cert-race-" + Guid.NewGuid().ToString("N"));
            try
            {
                var now = DateTimeOffset.UtcNow;
                var racers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
                {
                    SimulatorCertificates.EnsureCreated(folder, AlipayTestKeys.AppPublicKeyPath, AlipayTestKeys.AlipayPrivateKeyPath, "2088000000000001", now);
                    return SimulatorCertificates.Read(folder);
                })).ToList();

                var seen = await Task.WhenAll(racers);

                Assert.Single(seen.Distinct());
                var options = new AlipayOptions
                {
                    AppId = AlipayTestKeys.AppId,
                    AppPrivateKeyPath = AlipayTestKeys.AppPrivateKeyPath,
                    AppCertPath = Path.Combine(folder, SimulatorCertificates.AppCertFile),
                    AlipayPublicCertPath = Path.Combine(folder, SimulatorCertificates.AlipayCertFile),
                    AlipayRootCertPath = Path.Combine(folder, SimulatorCertificates.RootCertFile),
                };
                using var credentials = AlipayCredentials.Load(options, AppContext.BaseDirectory);
                Assert.Equal(seen[0].AlipayCertSn, credentials.Certificates!.AlipayPublicCertificates.Single().Sn);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
