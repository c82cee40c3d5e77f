using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Admin.Reconciliation;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.AspNetCore.Mvc;

namespace LuffyBlazor.Features.Admin;

/// <summary>
/// <c>/api/v1/admin/</c>: the back office's data for scripts and spreadsheets (bearer token or the site's cookie,
/// role Admin). Read only: every change goes through the pages, with their confirmation and audit record. Amounts
/// are "0.00" strings as everywhere in the API; times are UTC.
/// </summary>
public static class AdminApi
{
    public sealed record OrderList(IReadOnlyList<AdminOrderRow> Orders, OrderTotals Totals);

    public sealed record NotifyList(IReadOnlyList<NotifyRow> Notifies, int Total);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new MoneyAsString() },
    };

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        // The policy checks the role and lock-out in the database on every call (CurrentAdminRequirement).
        var group = app.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(Policies.AdminApi);
        group.MapGet("/orders/", ListOrdersAsync).WithName("AdminOrders");
        group.MapGet("/orders/export.csv", ExportOrders).WithName("AdminOrdersCsv");
        group.MapGet("/orders/{outTradeNo}/", GetOrderAsync).WithName("AdminOrder");
        group.MapGet("/notifies/", ListNotifiesAsync).WithName("AdminNotifies");
        group.MapGet("/reconciliation/{date}/export.csv", ExportReconciliationAsync).WithName("AdminReconciliationCsv");
        return app;
    }

    /// <summary>The orders grid's query: its filters, <c>sort</c> (a grid column) and <c>desc</c>, <c>page</c> from 1.</summary>
    private static async Task<IResult> ListOrdersAsync(
        HttpRequest request, OrderGridQuery grid, [FromQuery] int? page, [FromQuery] int? size, [FromQuery] string? sort,
        [FromQuery] bool? desc, CancellationToken ct)
    {
        var (filter, error) = OrderGridFilter.Parse(request.Query);
        if (filter is null)
        {
            return Api.BadRequest(error!);
        }

        if (page is < 1 || size is < 1 or > OrderGridQuery.MaxPageSize)
        {
            return Api.BadRequest($"page 从 1 开始，size 为 1 到 {OrderGridQuery.MaxPageSize}");
        }

        var result = await grid.PageAsync(filter, OrderSort.ForColumn(sort, desc ?? true), (page ?? 1) - 1, size ?? 20, ct);
        return Ok(new OrderList(result.Rows, result.Totals));
    }

    private static IResult ExportOrders(HttpRequest request, OrderCsvExport export, TimeProvider clock)
    {
        var (filter, error) = OrderGridFilter.Parse(request.Query);
        if (filter is null)
        {
            return Api.BadRequest(error!);
        }

        return TypedResults.Stream(
            body => export.WriteAsync(filter, body, request.HttpContext.RequestAborted), "text/csv; charset=utf-8",
            OrderCsvExport.FileName(clock.GetUtcNow()));
    }

    /// <summary>A reconciled day's differences as CSV; <c>date</c> is a Beijing day, <c>yyyy-MM-dd</c>.</summary>
    private static async Task<IResult> ExportReconciliationAsync(string date, HttpRequest request, AdminReconciliation reconciliation, CancellationToken ct)
    {
        if (!BeijingTime.TryParseDayText(date, out var day))
        {
            return Api.BadRequest("日期须为 yyyy-MM-dd");
        }

        return await reconciliation.DayAsync(day, ct) is { } detail
            ? TypedResults.Stream(body => ReconciliationCsvExport.WriteAsync(detail, body, request.HttpContext.RequestAborted),
                "text/csv; charset=utf-8", ReconciliationCsvExport.FileName(day))
            : Api.NotFound($"{date} 还没有对账记录");
    }

    private static async Task<IResult> GetOrderAsync(string outTradeNo, AdminOrderDetails details, CancellationToken ct)
    {
        if (!OrderNumbers.IsWellFormed(outTradeNo))
        {
            return Api.BadRequest("无效的 out_trade_no");
        }

        var order = await details.FindAsync(outTradeNo, ct);
        return order is null ? Api.NotFound("订单不存在") : Ok(order);
    }

    private static async Task<IResult> ListNotifiesAsync(
        NotifyLogQuery notifies, [FromQuery] string? verdict, [FromQuery(Name = "out_trade_no")] string? outTradeNo,
        [FromQuery] int? page, [FromQuery] int? size, CancellationToken ct)
    {
        var (filter, problems) = NotifyFilter.Read(new Dictionary<string, string>
        {
            ["verdict"] = verdict ?? "",
            ["out_trade_no"] = outTradeNo ?? "",
        });
        if (problems.Count > 0)
        {
            return Api.BadRequest(problems[0]);
        }

        if (page is < 1 || size is < 1 or > NotifyLogQuery.MaxPageSize)
        {
            return Api.BadRequest($"page 从 1 开始，size 为 1 到 {NotifyLogQuery.MaxPageSize}");
        }

        var (rows, total) = await notifies.PageAsync(filter, (page ?? 1) - 1, size ?? 20, ct);
        return Ok(new NotifyList(rows, total));
    }

    private static IResult Ok<T>(T data) => TypedResults.Json(new ApiEnvelope<T>(ApiStatus.Success, "成功", data), Json);

    /// <summary>Money as the API writes it everywhere: "99.00".</summary>
    private sealed class MoneyAsString : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Money.TryParse(reader.GetString(), out var yuan) ? yuan : throw new JsonException("not an amount");

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Money.Format(value));
    }
}
