using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// The simulated Alipay's daily trade statements, built from its own trades: every payment and refund of the Beijing
/// day, in the zip/GBK format of <see cref="SimulatorStatementFile"/>. <c>alipay.data.dataservice.bill.downloadurl.query</c>
/// answers a download URL on the simulator that, as Alipay's, works for 30 seconds (signed with the simulator's
/// Alipay key, so nobody can forge one). Unlike Alipay, which has a day's statement the next morning, the simulator
/// also gives today's so far, so that reconciliation can be tried right after a purchase.
/// </summary>
public sealed class SimulatorStatements(
    IDbContextFactory<SimulatorDbContext> dbFactory, SimulatorSigner signer, IOptions<SimulatorOptions> options, TimeProvider clock)
{
    public const string DownloadPath = SimulatorEndpoints.BasePath + "/bills/download";
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The statement account: the merchant's partner id and Alipay's "0156" suffix.</summary>
    public string Account => options.Value.SellerId + "0156";

    /// <summary>The answer node of a verified bill download URL query; <paramref name="origin"/> is the simulator's own address.</summary>
    public Dictionary<string, string> AnswerDownloadUrl(GatewayRequest request, string origin)
    {
        if (request.BizText("bill_type") != "trade")
        {
            return SimulatorOpenApi.Error(GatewayError.Invalid("isv.invalid-parameter", $"bill_type 只支持 trade（业务账单），不是 {request.BizText("bill_type")}"), null);
        }

        if (!BeijingTime.TryParseDayText(request.BizText("bill_date"), out var day))
        {
            return SimulatorOpenApi.Error(GatewayError.Invalid("isv.invalid-parameter", $"bill_date 须为 yyyy-MM-dd：{request.BizText("bill_date")}"), null);
        }

        var now = clock.GetUtcNow();
        if (day > clock.BeijingToday())
        {
            return SimulatorOpenApi.Error(GatewayError.Business(AlipayBillDownloadUrl.BillNotExist, "账单不存在：该日期的账单尚未生成"), null);
        }

        var appId = request.Get("app_id")!;
        var expires = (now + UrlLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var url = QueryHelpers.AddQueryString(origin + DownloadPath, new Dictionary<string, string?>
        {
            ["app_id"] = appId,
            ["bill_date"] = AlipayStatementReader.BillDate(day),
            ["expires"] = expires,
            ["token"] = Token(appId, day, expires),
        });
        return new Dictionary<string, string> { ["code"] = "10000", ["msg"] = "Success", ["bill_download_url"] = url };
    }

    /// <summary>The zip for a download URL, or null when the URL was not made here or has expired.</summary>
    public async Task<(byte[] Zip, string FileName)?> DownloadAsync(string appId, string billDate, string expires, string token, CancellationToken ct)
    {
        if (!BeijingTime.TryParseDayText(billDate, out var day)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            || clock.GetUtcNow().ToUnixTimeSeconds() > until
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(Token(appId, day, expires))))
        {
            return null;
        }

        var lines = await LinesAsync(appId, day, ct);
        return (SimulatorStatementFile.Build(Account, day, lines, clock.GetUtcNow()), SimulatorStatementFile.ZipName(Account, day));
    }

    /// <summary>The app's payments and refunds of the Beijing <paramref name="day"/>, in time order.</summary>
    public async Task<List<StatementLine>> LinesAsync(string appId, DateOnly day, CancellationToken ct)
    {
        var (from, to) = BeijingTime.UtcBoundsOf(day);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var payments = await db.Trades.AsNoTracking()
            .Where(t => t.AppId == appId && t.PaidAt >= from && t.PaidAt < to).ToListAsync(ct);
        var refunds = await db.Refunds.AsNoTracking()
            .Where(r => r.RefundedAt >= from && r.RefundedAt < to)
            .Join(db.Trades.Where(t => t.AppId == appId), r => r.TradeId, t => t.Id, (r, t) => new { Refund = r, Trade = t })
            .ToListAsync(ct);
        return payments
            .Select(t => new StatementLine(t.TradeNo, t.OutTradeNo, false, t.Subject, Utc(t.CreatedAt), Utc(t.PaidAt!.Value), t.TotalAmount, null, t.BuyerLogonId))
            .Concat(refunds.Select(x => new StatementLine(x.Trade.TradeNo, x.Trade.OutTradeNo, true, x.Trade.Subject, Utc(x.Trade.CreatedAt),
                Utc(x.Refund.RefundedAt), x.Refund.Amount, x.Refund.OutRequestNo, x.Trade.BuyerLogonId)))
            .OrderBy(l => l.FinishedAt).ThenBy(l => l.IsRefund)
            .ToList();
    }

    private string Token(string appId, DateOnly day, string expires) =>
        WebEncoders.Base64UrlEncode(Convert.FromBase64String(
            AlipaySignature.Sign($"{appId}|{AlipayStatementReader.BillDate(day)}|{expires}", signer.AlipayPrivateKey)));

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
