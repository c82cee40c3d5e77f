using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The simulator in 平台证书 mode over real Kestrel: it signs with its own platform certificate, the app downloads it
/// from <c>/v3/certificates</c> at start and verifies a whole purchase with it, picks up a rotation from the first
/// notify signed under the new serial, and the Node SDK's own downloader decrypts the same certificates.
/// </summary>
public sealed class WeChatSimulatorCertificateModeTests : IDisposable
{
    private readonly WeChatSimulatorApp sim = new(new Dictionary<string, string?> { ["WeChatPay:Simulator:CertificateMode"] = "true" });

    public void Dispose() => sim.Dispose();

    private WeChatSimulatorCertificates Simulator => sim.App.Services.GetRequiredService<WeChatSimulatorCertificates>();

    /// <summary>The store after the download the app makes once started.</summary>
    private async Task<WeChatPayPlatformCertificates> DownloadedAsync()
    {
        var store = sim.App.Services.GetRequiredService<WeChatPayPlatformCertificates>();
        await UntilAsync(() => Task.FromResult(store.Held.Count > 0));
        return store;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    [Fact]
    public async Task A_purchase_is_verified_with_the_platform_certificate_downloaded_at_start()
    {
        var options = sim.App.Services.GetRequiredService<IOptions<WeChatPayOptions>>().Value;
        Assert.True(options.DownloadPlatformCertificates);
        Assert.Null(options.PlatformPublicKeyId);
        var store = await DownloadedAsync();
        Assert.Equal(Simulator.Serials, store.Held.Select(c => c.Serial));
        Assert.Equal(File.ReadAllText(Path.Combine(sim.App.Root, "keys", WeChatSimulatorCertificates.FirstCertificateFile)).Trim(), store.Held.Single().Pem.Trim());

        var (order, started) = await sim.StartAsync(1);
        using (await sim.PayAsync(started))
        {
            await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        }

        // The order is paid before the notify's log row is committed: wait for the row.
        await UntilAsync(() => sim.App.QueryAsync(db => db.NotifyLogs.AnyAsync(l => l.OutTradeNo == order.OutTradeNo)));
        var log = await sim.App.QueryAsync(db => db.NotifyLogs.AsNoTracking().SingleAsync(l => l.OutTradeNo == order.OutTradeNo));
        Assert.Equal(NotifyVerdict.Accepted, log.Verdict);
        Assert.Contains(Simulator.Signing.Serial, log.RawParameters);
        Assert.Equal(1, store.Downloads);
    }

    [Fact]
    public async Task A_notify_signed_with_the_rotated_certificate_brings_one_download_and_pays_the_order()
    {
        var store = await DownloadedAsync();
        var downloads = store.Downloads;
        var (order, started) = await sim.StartAsync(2);

        Simulator.Rotating = true; // WeChat lists a second certificate and signs with it from now on
        using (await sim.PayAsync(started))
        {
            await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        }

        Assert.Equal(downloads + 1, store.Downloads);
        Assert.Equal(Simulator.Serials, store.Held.Select(c => c.Serial));
        var query = await sim.App.Services.GetRequiredService<IWeChatPayClient>().QueryAsync(order.OutTradeNo);
        Assert.Equal("SUCCESS", query.Data!.TradeState);
        Assert.Equal(downloads + 1, store.Downloads);
    }

    [Fact]
    public async Task The_node_sdks_downloader_decrypts_the_simulators_certificates_to_the_pems_we_hold()
    {
        Simulator.Rotating = true;
        var store = sim.App.Services.GetRequiredService<WeChatPayPlatformCertificates>();
        Assert.True(await store.RefreshAsync(default));
        var options = sim.App.Services.GetRequiredService<IOptions<WeChatPayOptions>>().Value;

        var sdk = await NodePeer.RunAsync("wechatpay-peer.mjs", new
        {
            cmd = "download-certificates", baseURL = sim.BaseUrl + WeChatSimulatorSetup.BasePath + "/", mchid = options.MchId, serial = options.MerchantSerialNo,
            privateKey = File.ReadAllText(options.MerchantPrivateKeyPath!), key = options.ApiV3Key,
        });

        Assert.True(sdk.GetProperty("ok").GetBoolean(), sdk.ToString());
        var theirs = sdk.GetProperty("certs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!.Trim());
        Assert.Equal(store.Held.ToDictionary(c => c.Serial, c => c.Pem.Trim()), theirs);
        Assert.Equal(2, theirs.Count);
        var listed = sdk.GetProperty("data").GetProperty("data").EnumerateArray().ToList();
        Assert.All(listed, c => Assert.Equal("AEAD_AES_256_GCM", c.GetProperty("encrypt_certificate").GetProperty("algorithm").GetString()));
        Assert.Equal(store.Held.Select(c => WeChatPayTime.Format(c.ExpireTime)), listed.Select(c => c.GetProperty("expire_time").GetString()));
    }
}
