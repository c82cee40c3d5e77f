using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Payments.Simulator;

public static class SimulatorSetup
{
    /// <summary>The simulator's merchant application, used when <c>Alipay:AppId</c> is left empty.</summary>
    public const string DefaultAppId = "2021000000000001";

    /// <summary>
    /// With <c>Alipay:Simulator:Enabled</c>, the app needs nothing configured: both key pairs are generated into
    /// <c>keys/</c> and the ordinary <c>Alipay:*</c> settings point at them unless they are set.
    /// </summary>
    public static void AddAlipaySimulator(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var environment = builder.Environment;
        builder.Services.PostConfigure<AlipayOptions>(options =>
        {
            if (!options.Simulator.Enabled)
            {
                return;
            }

            var keys = KeysDirectory.Resolve(configuration, environment);
            SimulatorKeys.EnsureCreated(keys);
            if (string.IsNullOrWhiteSpace(options.AppId))
            {
                options.AppId = DefaultAppId;
            }

            if (string.IsNullOrWhiteSpace(options.AppPrivateKey) && string.IsNullOrWhiteSpace(options.AppPrivateKeyPath))
            {
                options.AppPrivateKeyPath = Path.Combine(keys, SimulatorKeys.AppPrivateKeyFile);
            }

            if (string.IsNullOrWhiteSpace(options.AlipayPublicKey) && string.IsNullOrWhiteSpace(options.AlipayPublicKeyPath))
            {
                options.AlipayPublicKeyPath = Path.Combine(keys, SimulatorKeys.AlipayPublicKeyFile);
            }
        });
    }
}
