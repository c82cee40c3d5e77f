using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChatSimulator.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// <c>/dev/wechatpay/</c>: the simulator's recent trades with every notify attempt and the shop's answer; per trade
/// the notify's fault switches (before it is paid) and the API switch; per notify 立即发送 (a pending one) or 重放
/// (one that is done: the same envelope again).
/// </summary>
public static class WeChatSimulatorConsole
{
    public static void MapConsole(RouteGroupBuilder group)
    {
        group.MapGet("/", ConsoleAsync);
        group.MapPost("/console/trades/{outTradeNo}/faults", async (string outTradeNo, IFormCollection form, WeChatSimulatorTrades trades, CancellationToken ct) =>
        {
            await trades.SaveFaultsAsync(outTradeNo, NotifyFaultForm.Read(form), ct);
            return Back();
        });
        group.MapPost("/console/trades/{outTradeNo}/api-fault", async (string outTradeNo, IFormCollection form, WeChatSimulatorTrades trades, CancellationToken ct) =>
        {
            var fault = Enum.TryParse<WeChatApiFault>(form["api_fault"], out var parsed) && Enum.IsDefined(parsed) ? parsed : WeChatApiFault.None;
            await trades.SaveApiFaultAsync(outTradeNo, fault, ct);
            return Back();
        });
        group.MapPost("/console/notifications/{id:long}/send", async (long id, WeChatSimulatorNotifications notifications, CancellationToken ct) =>
        {
            await notifications.DeliverNowAsync(id, ct);
            return Back();
        });
        group.MapPost("/console/notifications/{id:long}/replay", async (long id, WeChatSimulatorNotifications notifications, CancellationToken ct) =>
        {
            await notifications.ReplayAsync(id, ct);
            return Back();
        });
    }

    private static async Task<IResult> ConsoleAsync(IDbContextFactory<WeChatSimulatorDbContext> dbFactory, IOptions<WeChatSimulatorOptions> options, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var trades = await db.Trades.AsNoTracking().OrderByDescending(t => t.Id).Take(50).ToListAsync(ct);
        var ids = trades.Select(t => t.Id).ToList();
        var notifications = await db.Notifications.AsNoTracking().Where(n => ids.Contains(n.TradeId)).OrderBy(n => n.Id).ToListAsync(ct);
        var notificationIds = notifications.Select(n => n.Id).ToList();
        var attempts = await db.NotifyAttempts.AsNoTracking().Where(a => notificationIds.Contains(a.NotificationId)).OrderBy(a => a.Id).ToListAsync(ct);
        var rows = trades.Select(t => new WeChatConsoleView.TradeRow(t, notifications.Where(n => n.TradeId == t.Id)
            .Select(n => new WeChatConsoleView.NotificationRow(n, attempts.Where(a => a.NotificationId == n.Id).ToList())).ToList())).ToList();
        return new RazorComponentResult<WeChatConsoleView>(new { Trades = rows, RetryScale = options.Value.NotifyRetryScale });
    }

    private static RedirectHttpResult Back() => TypedResults.Redirect(WeChatSimulatorSetup.BasePath + "/");
}
