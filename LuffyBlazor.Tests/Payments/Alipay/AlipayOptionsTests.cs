using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>A wrong Alipay setting stops start-up with a message that names the setting.</summary>
public sealed class AlipayOptionsTests
{
    private static string StartupError(IDictionary<string, string?> settings, string environment = "Testing")
    {
        using var app = new LuffyAppFactory(settings) { EnvironmentName = environment };
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        while (error is not OptionsValidationException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return Assert.IsType<OptionsValidationException>(error).Message;
    }

    private static AlipayOptionsValidator Validator(string environment = "Testing") =>
        new(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment, ContentRootPath = AppContext.BaseDirectory });

    [Fact]
    public void With_the_simulator_off_the_app_id_and_both_keys_are_required_and_all_named_in_one_message()
    {
        var message = StartupError(new Dictionary<string, string?>
        {
            ["Alipay:Simulator:Enabled"] = "false",
            ["Alipay:AppId"] = "",
            ["Alipay:AppPrivateKeyPath"] = "",
            ["Alipay:AlipayPublicKeyPath"] = "",
        });

        Assert.Contains(
            "Alipay settings missing: Alipay:AppId, Alipay:AppPrivateKey (or Alipay:AppPrivateKeyPath), Alipay:AlipayPublicKey (or Alipay:AlipayPublicKeyPath). " +
            "They are required when the simulator is off (Alipay:Simulator:Enabled=false).", message);
    }

    [Fact]
    public void A_missing_alipay_public_key_alone_is_named()
    {
        var options = AlipayTestKeys.Options();
        options.AlipayPublicKey = null;
        options.AlipayPublicKeyPath = null;

        var result = Validator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            "Alipay settings missing: Alipay:AlipayPublicKey (or Alipay:AlipayPublicKeyPath). They are required when the simulator is off (Alipay:Simulator:Enabled=false).",
            result.FailureMessage);
    }

    [Fact]
    public void With_the_simulator_on_a_missing_setting_is_named_without_claiming_the_simulator_is_off()
    {
        var options = AlipayTestKeys.Options();
        options.Simulator.Enabled = true;
        options.AppId = "";

        var result = Validator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Alipay:AppId", result.FailureMessage);
        Assert.DoesNotContain("simulator is off", result.FailureMessage);
    }

    [Fact]
    public void A_public_key_pasted_as_the_private_key_stops_start_up_with_the_reason()
    {
        var settings = AlipayTestKeys.Settings();
        settings["Alipay:AppPrivateKeyPath"] = null;
        settings["Alipay:AppPrivateKey"] = File.ReadAllText(AlipayTestKeys.AppPublicKeyPath);

        var message = StartupError(settings);

        Assert.Contains("Alipay:AppPrivateKey holds a public key", message);
        Assert.DoesNotContain("MII", message);
    }

    [Fact]
    public void The_simulator_is_refused_in_production()
    {
        var settings = AlipayTestKeys.Settings();
        settings["Alipay:Simulator:Enabled"] = "true";

        var message = StartupError(settings, environment: "Production");

        Assert.Contains("Alipay:Simulator:Enabled must be false in Production", message);
    }

    [Theory]
    [InlineData("Alipay:SignType", "SHA256", "Alipay:SignType must be RSA2")]
    [InlineData("Alipay:Gateway", "openapi.alipay.com/gateway.do", "Alipay:Gateway must be an absolute http(s) URL")]
    [InlineData("Alipay:NotifyUrl", "/api/v1/order/success/", "Alipay:NotifyUrl must be an absolute http(s) URL")]
    [InlineData("Alipay:Timeout", "00:10:00", "Alipay:Timeout must be between")]
    public void Other_bad_settings_are_named(string key, string value, string expected)
    {
        var options = AlipayTestKeys.Options();
        var validator = Validator();
        switch (key)
        {
            case "Alipay:SignType": options.SignType = value; break;
            case "Alipay:Gateway": options.Gateway = value; break;
            case "Alipay:NotifyUrl": options.NotifyUrl = value; break;
            default: options.Timeout = TimeSpan.Parse(value); break;
        }

        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Theory]
    [InlineData(false, "/gateway.do", false)]
    [InlineData(true, "/gateway.do", true)]
    [InlineData(true, "//evil.example/gateway.do", false)]
    [InlineData(true, "https://openapi.alipay.com/gateway.do", true)]
    public void A_gateway_on_the_apps_own_address_is_accepted_only_while_the_simulator_is_on(bool simulator, string gateway, bool accepted)
    {
        var options = AlipayTestKeys.Options();
        options.Simulator.Enabled = simulator;
        options.Gateway = gateway;

        var result = Validator().Validate(null, options);

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains($"Alipay:Gateway must be an absolute http(s) URL, not '{gateway}'.", result.FailureMessage);
        }
    }

    [Fact]
    public void The_test_keys_pass_validation()
    {
        Assert.True(Validator("Production").Validate(null, AlipayTestKeys.Options()).Succeeded);
    }
}
