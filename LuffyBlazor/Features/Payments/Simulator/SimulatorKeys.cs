using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// The two RSA-2048 key pairs of an offline Alipay, generated into <c>keys/</c> on first run: the application's
/// (the app signs with it, the simulator verifies) and "Alipay's" (the simulator signs, the app verifies). The
/// private key file is the truth; a missing public file is derived from it again.
/// </summary>
public static class SimulatorKeys
{
    public const string AppPrivateKeyFile = "app_private_key.pem";
    public const string AppPublicKeyFile = "app_public_key.pem";
    public const string AlipayPrivateKeyFile = "alipay_private_key.pem";
    public const string AlipayPublicKeyFile = "alipay_public_key.pem";

    public static void EnsureCreated(string directory)
    {
        KeysDirectory.EnsureRsaPair(Path.Combine(directory, AppPrivateKeyFile), Path.Combine(directory, AppPublicKeyFile));
        KeysDirectory.EnsureRsaPair(Path.Combine(directory, AlipayPrivateKeyFile), Path.Combine(directory, AlipayPublicKeyFile));
    }
}
