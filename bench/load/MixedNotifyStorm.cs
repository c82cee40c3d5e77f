using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Load;

/// <summary>
/// The notify storm with both providers at once: half the orders are paid by Alipay's form notifies, half by WeChat
/// Pay's signed, encrypted JSON notifies, each sent k times side by side, with forged and wrong-amount notifies of both
/// kinds for decoy orders. Afterwards exactly N orders are paid once, whichever provider paid them.
/// </summary>
public sealed class MixedNotifyStorm(LoadEnvironment app, int concurrency, Action<bool, string> check)
{
    private sealed record Send(byte[] Body, bool WeChat, Dictionary<string, string>? Headers, bool ExpectAccepted, HttpClient Http);

    public async Task<LoadResult> RunAsync(int orders, int copies)
    {
        var courses = await Seeder.CoursesAsync(app);
        var decoyCount = Math.Max(2, orders / 10);
        var users = await Seeder.LearnersAsync(app, (orders + decoyCount) / courses.Count + 2, "mixed");
        var all = await Seeder.UnpaidOrdersAsync(app, users, courses, orders + decoyCount);
        // Every other order is a WeChat Pay order.
        var weChatIds = all.Where((_, i) => i % 2 == 1).Select(o => o.Id).ToList();
        await using (var db = app.OpenDatabase())
        {
            await db.Orders.Where(o => weChatIds.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.PayType, PayType.WeChat));
        }

        var (real, decoys) = (all.Take(orders).ToList(), all.Skip(orders).ToList());
        using var stranger = RSA.Create(2048);
        var sends = new List<Send>();
        void Add(byte[] body, bool weChat, Dictionary<string, string>? headers, bool accepted) =>
            sends.Add(new Send(body, weChat, headers, accepted, app.ClientFor(sends.Count)));

        for (var i = 0; i < real.Count; i++)
        {
            var order = real[i];
            var weChat = weChatIds.Contains(order.Id);
            for (var copy = 0; copy < copies; copy++)
            {
                // WeChat's copies are each signed afresh (its retries carry new headers); Alipay's are the same form.
                if (weChat)
                {
                    var body = WeChatNotify(order, order.TotalAmount);
                    Add(body, true, SignedHeaders(body, app.WeChatPlatformKey), true);
                }
                else
                {
                    Add(AlipayForm(order, order.TotalAmount, app.AlipayPrivateKey), false, null, true);
                }
            }

            if (i < decoys.Count)
            {
                var decoy = decoys[i];
                if (weChatIds.Contains(decoy.Id))
                {
                    var forged = WeChatNotify(decoy, decoy.TotalAmount);
                    Add(forged, true, SignedHeaders(forged, stranger), false);
                    var wrongAmount = WeChatNotify(decoy, decoy.TotalAmount + 0.01m);
                    Add(wrongAmount, true, SignedHeaders(wrongAmount, app.WeChatPlatformKey), false);
                }
                else
                {
                    Add(AlipayForm(decoy, decoy.TotalAmount, stranger), false, null, false);
                    Add(AlipayForm(decoy, decoy.TotalAmount + 0.01m, app.AlipayPrivateKey), false, null, false);
                }
            }
        }

        var accepted = 0;
        var result = await LoadRunner.RunAsync("mixed notify storm", sends, concurrency, async s =>
        {
            using var content = new ByteArrayContent(s.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue(s.WeChat ? "application/json" : "application/x-www-form-urlencoded");
            using var request = new HttpRequestMessage(HttpMethod.Post, s.WeChat ? "/api/v1/order/wechat/notify/" : "/api/v1/order/success/") { Content = content };
            foreach (var (name, value) in s.Headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await s.Http.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            var ok = s.WeChat ? response.StatusCode == HttpStatusCode.NoContent : answer == "success";
            if (ok)
            {
                Interlocked.Increment(ref accepted);
            }

            return ok == s.ExpectAccepted;
        });

        await using var check2 = app.OpenDatabase();
        var realIds = real.Select(o => o.Id).ToList();
        var decoyIds = decoys.Select(o => o.Id).ToList();
        var realWeChat = realIds.Count(weChatIds.Contains);
        check(await check2.Orders.CountAsync(o => realIds.Contains(o.Id) && o.Status == OrderStatus.Paid) == orders, $"exactly {orders} orders paid ({realWeChat} by WeChat Pay)");
        check(await check2.Orders.CountAsync(o => realIds.Contains(o.Id) && o.PayType == PayType.WeChat && o.Status == OrderStatus.Paid && o.TradeNo!.StartsWith("4200")) == realWeChat,
            "every WeChat order paid with its transaction_id");
        check(await check2.CourseOwnerships.CountAsync(x => realIds.Contains(x.OrderId)) == orders, $"exactly {orders} ownership rows");
        check(await check2.OrderStatusChanges.CountAsync(c => realIds.Contains(c.OrderId) && c.To == OrderStatus.Paid) == orders, "one paid history row per order");
        check(await check2.Orders.CountAsync(o => decoyIds.Contains(o.Id) && o.Status != OrderStatus.Unpaid) == 0, "no forged or wrong-amount notify accepted (either provider)");
        check(accepted == orders * copies, $"{orders * copies} notifies answered as received (got {accepted})");
        var weChatNumbers = real.Where(o => weChatIds.Contains(o.Id)).Select(o => o.OutTradeNo).ToList();
        check(await check2.NotifyLogs.CountAsync(l => l.Provider == "WeChat" && weChatNumbers.Contains(l.OutTradeNo!)) == realWeChat * copies,
            "every WeChat notify in the notify log with its provider");
        return result;
    }

    private byte[] WeChatNotify(Order order, decimal amount)
    {
        var transaction = JsonSerializer.Serialize(new
        {
            appid = LoadEnvironment.WeChatAppId, mchid = LoadEnvironment.WeChatMchId, out_trade_no = order.OutTradeNo,
            transaction_id = "4200002026112" + order.OutTradeNo[^15..], trade_type = "NATIVE", trade_state = "SUCCESS", trade_state_desc = "支付成功",
            success_time = "2026-11-25T16:31:10+08:00", payer = new { openid = "oLoadBuyer00000000000000001" },
            amount = new { total = (long)(amount * 100), payer_total = (long)(amount * 100), currency = "CNY", payer_currency = "CNY" },
        });
        var nonce = Guid.NewGuid().ToString("N")[..12];
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), create_time = "2026-11-25T16:31:11+08:00", resource_type = "encrypt-resource",
            event_type = "TRANSACTION.SUCCESS", summary = "支付成功",
            resource = new
            {
                original_type = "transaction", algorithm = WeChatPayAead.Algorithm, associated_data = "transaction", nonce,
                ciphertext = WeChatPayAead.Encrypt(app.WeChatApiV3Key, nonce, "transaction", transaction),
            },
        }));
    }

    /// <summary>WeChat Pay's signature headers on a body it sends (a notify, or an API answer).</summary>
    internal static Dictionary<string, string> SignedHeaders(byte[] body, RSA key)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPaySignature.NewNonce();
        return new()
        {
            [WeChatPaySignedHeaders.TimestampHeader] = timestamp,
            [WeChatPaySignedHeaders.NonceHeader] = nonce,
            [WeChatPaySignedHeaders.SignatureHeader] = WeChatPaySignature.Sign(WeChatPaySignature.ResponseMessage(timestamp, nonce, Encoding.UTF8.GetString(body)), key),
            [WeChatPaySignedHeaders.SerialHeader] = LoadEnvironment.WeChatPublicKeyId,
        };
    }

    private static byte[] AlipayForm(Order order, decimal amount, RSA key) => Scenarios.Encode(Scenarios.Notify(order, amount, key));
}
