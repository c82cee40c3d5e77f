using System.Text.Json;
using LuffyBlazor.Common;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>A notify's envelope: what is readable before decryption.</summary>
public sealed record WeChatPayNotifyEnvelope(
    string? Id, string? CreateTime, string? EventType, string? ResourceType, string? Summary, WeChatPayNotifyResource? Resource);

public sealed record WeChatPayNotifyResource(string? Algorithm, string? Ciphertext, string? AssociatedData, string? OriginalType, string? Nonce);

/// <summary>
/// Reads a WeChat Pay notify (payment <c>TRANSACTION.*</c> or refund <c>REFUND.*</c>) into the shop's terms: verifies
/// the headers' signature and timestamp (<see cref="WeChatPayVerifier"/>), decrypts <c>resource</c> with the APIv3 key
/// and maps the transaction or refund to a <see cref="PaymentNotification"/>. The shop decides the rest.
/// </summary>
public sealed class WeChatPayNotifies(WeChatPayVerifier verifier, IOptions<WeChatPayOptions> options)
{
    public static readonly PaymentProvider Provider = new("WeChat", "微信支付", NotifyActor, "appid", "mchid", "amount.total");

    /// <summary>Who an order's status history names for a change a WeChat notify makes.</summary>
    public const string NotifyActor = "wechatpay-notify";

    public async Task<ReceivedNotify> ReadAsync(WeChatPaySignedHeaders headers, string body, string? remoteIp, CancellationToken ct = default)
    {
        var settings = options.Value;
        var logged = new List<KeyValuePair<string, string>>
        {
            new(WeChatPaySignedHeaders.SerialHeader, headers.Serial ?? ""),
            new(WeChatPaySignedHeaders.TimestampHeader, headers.Timestamp ?? ""),
            new(WeChatPaySignedHeaders.NonceHeader, headers.Nonce ?? ""),
        };

        WeChatPayNotifyEnvelope? envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize<WeChatPayNotifyEnvelope>(body, WeChatPayJson.Options);
        }
        catch (JsonException)
        {
            // Refused below, with the body logged as it came.
        }

        if (envelope is null)
        {
            logged.Add(new("body", body));
            return Refused(logged, "body is not a WeChat Pay notify (JSON envelope)", remoteIp, settings);
        }

        logged.AddRange(Fields(("id", envelope.Id), ("create_time", envelope.CreateTime), ("event_type", envelope.EventType),
            ("resource_type", envelope.ResourceType), ("summary", envelope.Summary)));

        // The signature first: nothing unverified is decrypted, let alone believed.
        if (await verifier.RefusalAsync(headers, body, ct) is { } refusal)
        {
            logged.Add(new("resource.ciphertext", envelope.Resource?.Ciphertext ?? ""));
            return Refused(logged, refusal, remoteIp, settings);
        }

        if (envelope.Resource is not { Algorithm: WeChatPayAead.Algorithm, Ciphertext: { } ciphertext, Nonce: { } nonce } resource)
        {
            return Refused(logged, $"resource is missing or not {WeChatPayAead.Algorithm}", remoteIp, settings);
        }

        string plaintext;
        try
        {
            plaintext = WeChatPayAead.Decrypt(settings.ApiV3Key!, nonce, resource.AssociatedData, ciphertext);
        }
        catch (WeChatPayDecryptionException ex)
        {
            return Refused(logged, ex.Message, remoteIp, settings);
        }

        logged.Add(new("resource", plaintext));
        try
        {
            return envelope.EventType?.StartsWith("REFUND.", StringComparison.Ordinal) == true
                ? RefundNotify(envelope, JsonSerializer.Deserialize<WeChatPayRefund>(plaintext, WeChatPayJson.Options)!, logged, remoteIp, settings)
                : PaymentNotify(envelope, JsonSerializer.Deserialize<WeChatPayTransaction>(plaintext, WeChatPayJson.Options)!, logged, remoteIp, settings);
        }
        catch (JsonException ex)
        {
            return Refused(logged, $"decrypted resource is not the JSON expected: {ex.Message}", remoteIp, settings);
        }
    }

    private static ReceivedNotify PaymentNotify(
        WeChatPayNotifyEnvelope envelope, WeChatPayTransaction trade, List<KeyValuePair<string, string>> logged, string? remoteIp, WeChatPayOptions settings) =>
        new(Provider, settings.AppId, logged,
            new PaymentNotification(
                trade.Appid, trade.OutTradeNo, envelope.Id, trade.TradeState, trade.State, trade.TransactionId, trade.TotalYuan, trade.PaidAt,
                trade.Payer?.Openid, RefundedTotal: null, MerchantId: trade.Mchid),
            Refusal: null, remoteIp, settings.MchId);

    /// <summary>A refund notify carries no appid: the merchant account is what is checked.</summary>
    private static ReceivedNotify RefundNotify(
        WeChatPayNotifyEnvelope envelope, WeChatPayRefund refund, List<KeyValuePair<string, string>> logged, string? remoteIp, WeChatPayOptions settings)
    {
        var status = refund.EffectiveStatus;
        var report = string.IsNullOrEmpty(refund.OutRefundNo) ? null : new RefundReport(
            refund.OutRefundNo, status switch
            {
                "SUCCESS" => RefundReportState.Succeeded,
                "CLOSED" => RefundReportState.Closed,
                _ => RefundReportState.Abnormal,
            }, refund.Amount?.Refund is { } fen ? Money.FromFen(fen) : null);
        return new(Provider, ExpectedAppId: null, logged,
            new PaymentNotification(
                AppId: null, refund.OutTradeNo, envelope.Id, $"REFUND.{status}", TradeState.Paid, refund.TransactionId,
                refund.Amount is { } a ? Money.FromFen(a.Total) : null, PaidAt: null, BuyerId: null, RefundedTotal: null,
                MerchantId: refund.Mchid, Refund: report),
            Refusal: report is null ? "refund notify without out_refund_no" : null, remoteIp, settings.MchId);
    }

    private static ReceivedNotify Refused(List<KeyValuePair<string, string>> logged, string refusal, string? remoteIp, WeChatPayOptions settings) =>
        new(Provider, settings.AppId, logged, null, refusal, remoteIp, settings.MchId);

    private static IEnumerable<KeyValuePair<string, string>> Fields(params (string Key, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null).Select(f => KeyValuePair.Create(f.Key, f.Value!));
}
