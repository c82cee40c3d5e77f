using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary><c>/dev/alipay/</c>: the gateway, the cashier and the console. Not mapped at all unless the simulator is on.</summary>
public static class SimulatorEndpoints
{
    public const string BasePath = "/dev/alipay";

    /// <summary>Where the app sends Alipay requests while the simulator is on and no <c>Alipay:Gateway</c> is set.</summary>
    public const string GatewayPath = BasePath + "/gateway.do";

    public static void MapAlipaySimulator(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Enabled)
        {
            return;
        }

        var group = app.MapGroup(BasePath).ExcludeFromDescription();
        // Merchants post auto-submitting forms from their own pages: no antiforgery token, as at the real gateway.
        group.MapMethods("/gateway.do", [HttpMethods.Get, HttpMethods.Post], GatewayAsync).DisableAntiforgery();
        group.MapGet("/cashier/{tradeNo}", CashierAsync);
        group.MapPost("/cashier/{tradeNo}/pay", PayAsync);
        group.MapPost("/cashier/{tradeNo}/cancel", CancelAsync);
        group.MapGet("/bills/download", DownloadStatementAsync);
        group.MapGet("/console", ConsoleAsync);
        group.MapPost("/console/trades/{tradeNo}/faults", SaveFaultsAsync);
        group.MapPost("/console/notifications/{id:long}/send", SendNowAsync);
        group.MapPost("/console/notifications/{id:long}/replay", ReplayAsync);
        group.MapGet("/", () => TypedResults.Redirect("/dev/alipay/console"));
    }

    private static async Task<IResult> GatewayAsync(
        HttpContext context, SimulatorSigner signer, SimulatorCashier cashier, SimulatorOpenApi openApi, SimulatorStatements statements,
        IOptions<AlipayOptions> alipay, IOptions<SimulatorOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        var all = context.Request.Query.Concat(context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : []);
        foreach (var (key, values) in all)
        {
            if (key == "charset" && parameters.Any(p => p.Key == "charset" && p.Value == values.ToString()))
            {
                continue; // "?charset=utf-8" on the action URL plus the same in the form, as the official SDKs post
            }

            if (values.Count != 1 || parameters.Any(p => p.Key == key))
            {
                return ErrorPage(GatewayError.Invalid("isv.invalid-parameter", $"参数 {key} 重复"));
            }

            parameters.Add(new(key, values.ToString()));
        }

        var request = GatewayRequest.Of(parameters);
        var now = clock.GetUtcNow();
        var error = request.CheckCommon(alipay.Value.AppId, signer, now, options.Value.TimestampTolerance);
        // A browser sent by a merchant gets pages; a server calling an OpenAPI method gets a signed JSON answer.
        var browser = request.IsPayment || (!GatewayRequest.ApiMethods.Contains(request.Method) && HttpMethods.IsGet(context.Request.Method));
        if (!browser)
        {
            var method = GatewayRequest.ApiMethods.Contains(request.Method) ? request.Method! : "error";
            var node = error is not null ? SimulatorOpenApi.Error(error, null)
                : request.Method == AlipayBillDownloadUrl.Method ? statements.AnswerDownloadUrl(request, $"{context.Request.Scheme}://{context.Request.Host}")
                : await openApi.AnswerAsync(request, ct);
            return TypedResults.Text(signer.SignedAnswer(method, node), "application/json; charset=utf-8");
        }

        if (error is not null)
        {
            return ErrorPage(error);
        }

        if (request.CheckPayment(now, out var amount, out var timeExpire) is { } refused)
        {
            return ErrorPage(refused);
        }

        var (trade, refusal) = await cashier.OpenAsync(request, amount, timeExpire, ct);
        return refusal is not null ? ErrorPage(refusal) : TypedResults.Redirect($"/dev/alipay/cashier/{trade!.TradeNo}");
    }

    /// <summary>The statement behind a download URL the gateway gave out; 403 once it has expired, as at Alipay.</summary>
    private static async Task<IResult> DownloadStatementAsync(HttpRequest request, SimulatorStatements statements, CancellationToken ct)
    {
        var query = request.Query;
        var file = await statements.DownloadAsync(query["app_id"].ToString(), query["bill_date"].ToString(), query["expires"].ToString(), query["token"].ToString(), ct);
        return file is { } statement
            ? TypedResults.File(statement.Zip, "application/zip", statement.FileName)
            : TypedResults.Text("对账单下载链接无效或已过期（有效期 30 秒），请重新查询下载地址", "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> CashierAsync(string tradeNo, SimulatorCashier cashier, IOptions<SimulatorOptions> options, CancellationToken ct)
    {
        var trade = await cashier.FindAsync(tradeNo, ct);
        return trade switch
        {
            null => Page(new MessageView.Args("交易不存在", GatewayError.Business("ACQ.TRADE_NOT_EXIST", "交易不存在")), StatusCodes.Status404NotFound),
            { Status: AlipayTradeStatus.Success or AlipayTradeStatus.Finished } => Page(new MessageView.Args("该交易已付款", Text: "请勿重复付款。", BackUrl: MerchantHome(trade))),
            { Status: AlipayTradeStatus.Closed } => Page(new MessageView.Args("交易已关闭", GatewayError.Business("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"), BackUrl: MerchantHome(trade))),
            _ => new RazorComponentResult<CashierView>(new
            {
                Trade = trade,
                options.Value.SellerId,
                options.Value.BuyerLogonId,
            }),
        };
    }

    private static async Task<IResult> PayAsync(string tradeNo, IFormCollection form, SimulatorCashier cashier, CancellationToken ct)
    {
        var (returnUrl, error) = await cashier.PayAsync(tradeNo, NotifyFaultForm.ReadChanges(form), ct);
        if (error is not null)
        {
            return ErrorPage(error);
        }

        return returnUrl is null
            ? Page(new MessageView.Args("付款成功", Text: "商户没有提供 return_url，请回到商户页面查看订单。"))
            : TypedResults.Redirect(returnUrl);
    }

    /// <summary>取消: the phone cashier goes straight back to the merchant's quit_url, as Alipay's does; page pay shows a notice.</summary>
    private static async Task<IResult> CancelAsync(string tradeNo, IFormCollection form, SimulatorCashier cashier, CancellationToken ct)
    {
        var trade = await cashier.FindAsync(tradeNo, ct);
        return trade?.QuitUrl is { } quitUrl
            ? TypedResults.Redirect(quitUrl)
            : Page(new MessageView.Args("您已取消付款", Text: "订单尚未支付，可以回到商户的“我的订单”中继续付款。", BackUrl: trade is null ? null : MerchantHome(trade)));
    }

    private static async Task<IResult> ConsoleAsync(IDbContextFactory<SimulatorDbContext> dbFactory, IOptions<SimulatorOptions> options, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var trades = await db.Set<SimulatorTrade>().AsNoTracking().OrderByDescending(t => t.Id).Take(50).ToListAsync(ct);
        var ids = trades.Select(t => t.Id).ToList();
        var notifications = await db.Set<SimulatorNotification>().AsNoTracking().Where(n => ids.Contains(n.TradeId)).OrderBy(n => n.Id).ToListAsync(ct);
        var notificationIds = notifications.Select(n => n.Id).ToList();
        var attempts = await db.Set<SimulatorNotifyAttempt>().AsNoTracking().Where(a => notificationIds.Contains(a.NotificationId)).OrderBy(a => a.Id).ToListAsync(ct);
        var rows = trades.Select(t => new ConsoleView.TradeRow(t, notifications.Where(n => n.TradeId == t.Id)
            .Select(n => new ConsoleView.NotificationRow(n, attempts.Where(a => a.NotificationId == n.Id).ToList())).ToList())).ToList();
        return new RazorComponentResult<ConsoleView>(new { Trades = rows, RetryScale = options.Value.NotifyRetryScale });
    }

    private static async Task<IResult> SaveFaultsAsync(string tradeNo, IFormCollection form, IDbContextFactory<SimulatorDbContext> dbFactory, CancellationToken ct)
    {
        var faults = NotifyFaultForm.Read(form);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<SimulatorTrade>().Where(t => t.TradeNo == tradeNo && t.Status == AlipayTradeStatus.WaitBuyerPay)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.NotifyFault, faults.Fault).SetProperty(t => t.NotifyCopies, faults.Copies)
                .SetProperty(t => t.NotifyDelay, faults.Delay).SetProperty(t => t.TamperAmount, faults.TamperAmount)
                .SetProperty(t => t.TamperSignature, faults.TamperSignature), ct);
        return TypedResults.Redirect("/dev/alipay/console");
    }

    private static async Task<IResult> SendNowAsync(long id, IFormCollection form, SimulatorNotifications notifications, CancellationToken ct)
    {
        await notifications.DeliverNowAsync(id, ct);
        return TypedResults.Redirect("/dev/alipay/console");
    }

    private static async Task<IResult> ReplayAsync(
        long id, IFormCollection form, IDbContextFactory<SimulatorDbContext> dbFactory, SimulatorNotifications notifications, TimeProvider clock, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // A replay is the very same signed form (same notify_id): the merchant must not apply it twice.
            var original = await db.Set<SimulatorNotification>().AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, ct);
            if (original is not null)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                db.Add(new SimulatorNotification
                {
                    TradeId = original.TradeId, NotifyId = original.NotifyId, NotifyUrl = original.NotifyUrl,
                    TradeStatusSent = original.TradeStatusSent, Form = original.Form, NextAttemptAt = now, CreatedAt = now,
                });
                await db.SaveChangesAsync(ct);
                notifications.Wake();
            }
        }

        return TypedResults.Redirect("/dev/alipay/console");
    }

    /// <summary>The merchant's site: the origin of its return URL.</summary>
    private static string? MerchantHome(SimulatorTrade trade) =>
        Uri.TryCreate(trade.ReturnUrl, UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Authority) + "/orders" : null;

    private static IResult ErrorPage(GatewayError error) =>
        Page(new MessageView.Args("支付请求有误", error), StatusCodes.Status400BadRequest);

    private static IResult Page(MessageView.Args args, int status = StatusCodes.Status200OK) =>
        new RazorComponentResult<MessageView>(new { args.Heading, args.Error, args.Text, args.BackUrl }) { StatusCode = status };
}
