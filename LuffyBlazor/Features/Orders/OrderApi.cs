using System.Security.Claims;
using System.Text.Json.Serialization;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary><c>/api/v1/order/</c>: placing an order and asking whether it is paid, as the original clients do.</summary>
public static class OrderApi
{
    /// <param name="Device">WeChat Pay only: <c>"phone"</c> for H5 (an <c>h5_url</c>), <c>"desktop"</c> for Native (a <c>code_url</c> to show as a QR code); absent: the User-Agent decides, as for Alipay's wap cashier.</param>
    public sealed record PayRequest(
        string? Subject,
        [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] decimal? TotalAmount,
        int? PayType,
        int[]? Courses,
        string? Device = null);

    public sealed record PayResult(string PayUrl, string OutTradeNo);

    public sealed record WeChatNativeResult(string CodeUrl, string OutTradeNo);

    public sealed record WeChatH5Result(string H5Url, string OutTradeNo);

    public static IEndpointRouteBuilder MapOrderApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/order").WithTags("Order");
        group.MapPost("/pay/", PayAsync).WithName("PayOrder").RequireAuthorization(Policies.ApiUser);
        group.MapGet("/success/", IsPaidAsync).WithName("OrderPaid");
        return app;
    }

    private static async Task<IResult> PayAsync(
        PayRequest request, ClaimsPrincipal user, HttpContext context, OrderService orders, Checkout checkout, WeChatCheckout weChat)
    {
        if (request.Courses is null || request.Courses.Length == 0)
        {
            return Api.BadRequest("请至少选择一门课程", ApiStatus.BusinessFailure);
        }

        if (request.TotalAmount is not { } total || !Money.HasFenPrecision(total) || total <= 0)
        {
            return Api.BadRequest("total_amount 必须是大于 0 的金额，最多两位小数");
        }

        if (request.Device is not (null or "phone" or "desktop"))
        {
            return Api.BadRequest("device 只能是 \"phone\"（微信 H5 支付）或 \"desktop\"（微信扫码支付）");
        }

        var payType = (PayType)(request.PayType ?? (int)PayType.Alipay);
        var result = await orders.PlaceOrderAsync(
            user.FindFirstValue(ClaimTypes.NameIdentifier)!, request.Courses, total, request.Subject, payType, context.RequestAborted);
        if (!result.Succeeded)
        {
            return Api.BadRequest(result.Error!, ApiStatus.BusinessFailure);
        }

        var order = result.Order!;
        var placed = result.Reused ? "已有未支付的相同订单，请继续支付" : "订单已创建";
        if (payType == PayType.WeChat)
        {
            return await StartWeChatAsync(weChat, OrderView.Of(order), request.Device, context, placed);
        }

        var baseUri = new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        // Null only for an order given back with less than a minute left, which reuse's margin rules out.
        if (checkout.PaymentUrl(OrderView.Of(order), baseUri, Checkout.IsMobile(context.Request.Headers.UserAgent)) is not { } payUrl)
        {
            return Api.BadRequest("订单已临近支付期限，请重新下单", ApiStatus.BusinessFailure);
        }

        return Api.Ok(new PayResult(payUrl, order.OutTradeNo), placed);
    }

    /// <summary>pay_type 2: a code_url (desktop, shown as a QR code) or an h5_url (phone), from WeChat Pay.</summary>
    private static async Task<IResult> StartWeChatAsync(WeChatCheckout weChat, OrderView order, string? device, HttpContext context, string placed)
    {
        var phone = device is null ? Checkout.IsMobile(context.Request.Headers.UserAgent) : device == "phone";
        var started = await weChat.StartAsync(
            order, phone ? WeChatScene.H5 : WeChatScene.Native, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        if (!started.Succeeded)
        {
            return Api.BadRequest(started.Error!, ApiStatus.BusinessFailure);
        }

        return started.H5Url is { } h5Url
            ? Api.Ok(new WeChatH5Result(h5Url, order.OutTradeNo), placed)
            : Api.Ok(new WeChatNativeResult(started.CodeUrl!, order.OutTradeNo), placed);
    }

    /// <summary>
    /// The return page's question, "is it paid?", answered from the database only. The contract answers 101 for
    /// anything not paid, a missing or malformed number included.
    /// </summary>
    private static async Task<IResult> IsPaidAsync([FromQuery(Name = "out_trade_no")] string? outTradeNo, LuffyDbContext db, CancellationToken ct)
    {
        if (!OrderNumbers.IsWellFormed(outTradeNo))
        {
            return Api.BadRequest("缺少或无效的 out_trade_no，无法确认订单已支付", ApiStatus.BusinessFailure);
        }

        var status = await db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo)
            .Select(o => (OrderStatus?)o.Status).FirstOrDefaultAsync(ct);
        return status switch
        {
            null => Api.Fail(StatusCodes.Status404NotFound, ApiStatus.BusinessFailure, "订单不存在"),
            OrderStatus.Paid => TypedResults.Json(new ApiEnvelope<object>(ApiStatus.Success, "订单支付成功", null)),
            _ => TypedResults.Json(new ApiEnvelope<object>(ApiStatus.BusinessFailure, "订单还未支付", null)),
        };
    }
}
