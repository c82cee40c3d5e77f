using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>What a deployment talking to the real Alipay must set: checked at start-up, every key named.</summary>
public sealed class AlipayLiveSettingsTests
{
    private static AlipayOptions Live() => new()
    {
        AppId = AlipayTestKeys.AppId,
        Gateway = AlipayOptions.ProductionGateway,
        NotifyUrl = "https://luffy.example.com/api/v1/order/success/",
        ReturnUrl = "https://luffy.example.com/pay/success",
    };

    private static IReadOnlyList<string> Failures(AlipayOptions options, string environment = "Production")
    {
        var validator = new AlipayLiveSettingsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment });
        var result = validator.Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void A_live_deployment_with_its_gateway_and_public_https_callbacks_passes()
    {
        Assert.Empty(Failures(Live()));
        Assert.Empty(Failures(Live(), "Staging"));
    }

    [Fact]
    public void Outside_development_nothing_is_assumed_and_every_missing_setting_is_named_at_once()
    {
        var failures = Failures(new AlipayOptions { AppId = AlipayTestKeys.AppId });

        Assert.Equal(3, failures.Count);
        Assert.StartsWith("Alipay:Gateway must be set outside Development: https://openapi.alipay.com/gateway.do (live) or", failures[0]);
        Assert.StartsWith("Alipay:NotifyUrl must be set outside Development", failures[1]);
        Assert.StartsWith("Alipay:ReturnUrl must be set outside Development", failures[2]);
    }

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Testing", true)]
    [InlineData("Production", true)]
    public void Development_and_the_simulator_derive_what_is_not_set(string environment, bool simulator)
    {
        var options = new AlipayOptions { AppId = AlipayTestKeys.AppId };
        options.Simulator.Enabled = simulator;

        Assert.Empty(Failures(options, environment));
    }

    [Theory]
    [InlineData("http://luffy.example.com/api/v1/order/success/", "must be an absolute https URL outside Development")]
    [InlineData("/api/v1/order/success/", "must be an absolute https URL outside Development")]
    [InlineData("https://localhost/api/v1/order/success/", "must be on a public host, not 'localhost'")]
    [InlineData("https://127.0.0.1:5001/api/v1/order/success/", "must be on a public host, not '127.0.0.1'")]
    [InlineData("https://10.1.2.3/api/v1/order/success/", "must be on a public host")]
    [InlineData("https://192.168.1.20/api/v1/order/success/", "must be on a public host")]
    [InlineData("https://172.20.0.5/api/v1/order/success/", "must be on a public host")]
    [InlineData("https://[::1]/api/v1/order/success/", "must be on a public host")]
    [InlineData("https://shop.local/api/v1/order/success/", "must be on a public host")]
    [InlineData("https://luffy.example.com/api/v1/order/success/?from=alipay", "Alipay:NotifyUrl must not carry a query string")]
    public void A_notify_url_alipay_could_not_reach_or_that_carries_a_query_is_refused(string notifyUrl, string expected)
    {
        var options = Live();
        options.NotifyUrl = notifyUrl;

        var failure = Assert.Single(Failures(options));

        Assert.Contains(expected, failure);
        Assert.StartsWith("Alipay:NotifyUrl", failure);
    }

    [Fact]
    public void A_return_url_on_a_private_address_is_refused_naming_the_key()
    {
        var options = Live();
        options.ReturnUrl = "https://192.168.0.8/pay/success";

        Assert.StartsWith("Alipay:ReturnUrl must be on a public host, not '192.168.0.8'", Assert.Single(Failures(options)));
    }

    [Theory]
    [InlineData("https://luffy.example.com/", true)]
    [InlineData("https://8.8.8.8/", true)]
    [InlineData("https://172.32.0.1/", true)]
    [InlineData("https://[2001:db8::1]/", true)]
    [InlineData("https://172.16.0.1/", false)]
    [InlineData("https://169.254.169.254/", false)]
    [InlineData("https://0.0.0.0/", false)]
    [InlineData("https://[fd00::1]/", false)]
    [InlineData("https://[fe80::1]/", false)]
    [InlineData("https://[::ffff:10.0.0.1]/", false)]
    [InlineData("https://intranet/", false)]
    [InlineData("https://app.localhost/", false)]
    [InlineData("https://db.internal/", false)]
    public void Public_hosts_are_told_from_local_ones(string url, bool isPublic)
    {
        Assert.Equal(isPublic, AlipayLiveSettingsValidator.IsPublicHost(new Uri(url)));
    }

    [Theory]
    [InlineData("2088102177649450", true)]
    [InlineData("2021000000000042", false)]
    [InlineData("208810217764945", false)]
    [InlineData("2088 1021 7764 9450", false)]
    public void A_seller_id_is_checked_to_be_a_pid_in_any_environment(string sellerId, bool valid)
    {
        var options = Live();
        options.SellerId = sellerId;

        var failures = Failures(options, "Development");

        Assert.Equal(valid, failures.Count == 0);
        Assert.All(failures, f => Assert.StartsWith("Alipay:SellerId must be your merchant PID, 16 digits starting with 2088", f));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("2088102177649450", false)]
    public async Task Production_warns_at_start_up_when_no_seller_id_is_set(string sellerId, bool warned)
    {
        var logs = new CapturedLogs();
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Alipay:SellerId"] = sellerId })
        {
            EnvironmentName = "Production",
            TestServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };

        using var response = await app.CreateClient().GetAsync("/healthz");

        Assert.Equal(warned, logs.Warnings.Any(w => w.StartsWith("Alipay:SellerId is not set: notifies are not checked against your merchant account", StringComparison.Ordinal)));
    }
}
