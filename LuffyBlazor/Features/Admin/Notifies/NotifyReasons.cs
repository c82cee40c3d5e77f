namespace LuffyBlazor.Features.Admin.Notifies;

/// <summary>
/// Chinese for the notify log's reasons. The log keeps the machine reason the notify handler wrote ("marked paid",
/// "unknown out_trade_no", "total_amount 0.01 does not match the order total 99.00"); the back office shows this
/// table's text for it, with the machine reason beneath. Entries are keyed by how a reason starts, the longest
/// match wins, and a reason no entry knows is shown as it is. A new reason (another payment provider's, say) is one
/// more line here.
/// </summary>
public static class NotifyReasons
{
    private static readonly (string Prefix, string Chinese)[] Table =
    [
        // Applied, or nothing to do: answered "success".
        ("marked paid", "付款已入账，订单改为已支付"),
        ("marked paid with ", "付款已入账：订单曾改用另一种支付方式，买家仍在原支付方式付了款；支付方式已改回，另一方的交易随后关闭"),
        ("trade at ", "订单已改用另一种支付方式，原支付方式的这笔交易无需处理"),
        ("already paid; nothing changed", "订单此前已支付，未作变更（重复通知）"),
        ("waiting for the buyer", "等待买家付款，无需处理"),
        ("trade closed unpaid", "交易关闭且未付款，订单已取消"),
        ("trade closed after a full refund", "全额退款后交易关闭，订单改为已退款"),
        ("trade closed; order is", "交易关闭，订单当前状态无需处理"),

        // Refused before the order was looked at: a wrong key, a wrong app, or not a notify at all.
        ("missing sign", "缺少签名（sign）"),
        ("unsupported sign_type", "不支持的签名类型（sign_type）"),
        ("sign_type RSA (SHA1) refused", "拒绝 RSA（SHA1）签名：本应用使用 RSA2"),
        ("signature does not verify", "验签失败：签名与支付宝公钥不符，请检查支付宝公钥配置"),
        ("app_id ", "app_id 不是本应用的，请检查 AppId 配置"),
        ("invalid notify", "通知无效"),
        ("content type ", "请求不是表单格式"),
        ("a parameter is repeated or empty-keyed", "参数重复或参数名为空"),
        ("unreadable form body", "无法读取请求内容"),
        ("total_amount '", "金额格式不正确"),
        ("receipt_amount '", "金额格式不正确"),
        ("buyer_pay_amount '", "金额格式不正确"),
        ("refund_fee '", "金额格式不正确"),
        ("notify_time '", "时间格式不正确"),
        ("gmt_create '", "时间格式不正确"),
        ("gmt_payment '", "时间格式不正确"),
        ("gmt_refund '", "时间格式不正确"),
        ("gmt_close '", "时间格式不正确"),

        // Refused against the order: answered "failure", so Alipay sends it again.
        ("missing out_trade_no", "缺少订单号（out_trade_no）"),
        ("unknown out_trade_no", "订单号不存在"),
        ("total_amount ", "金额与订单金额不符"),
        ("unknown trade_status", "未知的交易状态（trade_status）"),
        ("pay_type mismatch", "支付方式不符：这笔订单不是用发来通知的支付方式下单的，未入账，请管理员核查"),
        ("payment not applied", "付款未能入账，已回复失败（支付宝会重发）"),
        ("second payment", "重复付款：订单已由另一笔交易（另一种支付方式）支付，这笔付款未入账，请管理员退款"),
        ("error while applying the notify", "处理时出错，未生效，已回复失败（支付宝会重发）"),

        // WeChat Pay (APIv3): its headers, its encrypted resource, its field names, its refund notifies.
        ("missing Wechatpay-Timestamp", "缺少微信支付签名头（Wechatpay-Timestamp/Nonce/Signature/Serial）"),
        ("Wechatpay-Timestamp ", "时间戳无效，或与本机时间相差超过 5 分钟（过期或重放的通知）"),
        ("Wechatpay-Serial ", "Wechatpay-Serial 所指的微信支付公钥或平台证书未配置，请检查 WeChatPay:PlatformPublicKeyId 或平台证书"),
        ("Wechatpay-Signature does not verify", "验签失败：签名与微信支付公钥不符（或是微信支付的验签探测）"),
        ("body is not a WeChat Pay notify", "请求不是微信支付通知（JSON）"),
        ("not JSON: content type ", "请求不是 JSON 格式"),
        ("unreadable body", "无法读取请求内容"),
        ("resource is missing or not", "通知缺少加密数据（resource），或算法不是 AEAD_AES_256_GCM"),
        ("resource does not decrypt", "解密失败：请检查 APIv3 密钥（WeChatPay:ApiV3Key）"),
        ("resource.ciphertext ", "加密数据格式不正确"),
        ("the APIv3 key is not 32 bytes", "APIv3 密钥不是 32 位，无法解密"),
        ("decrypted resource is not the JSON expected", "解密后的数据格式不正确"),
        ("appid ", "appid 不是本商户绑定的，请检查 WeChatPay:AppId 配置"),
        ("mchid ", "商户号（mchid）不是本商户的，请检查 WeChatPay:MchId 配置"),
        ("amount.total ", "金额与订单金额不符"),
        ("refund notify without out_refund_no", "退款通知缺少退款单号（out_refund_no）"),
        ("refund not made here", "退款不是本系统发起的（可能在商户平台操作），未作变更"),
        ("refund already settled", "这笔退款此前已有结果，未作变更（重复通知）"),
        ("refund amount ", "退款金额与发起的退款不符"),
        ("refund settled", "退款结果已记录"),
    ];

    /// <summary>Longest prefixes first, so "total_amount '" (malformed) wins over "total_amount " (mismatch).</summary>
    private static readonly (string Prefix, string Chinese)[] ByLength = [.. Table.OrderByDescending(e => e.Prefix.Length)];

    /// <summary>The Chinese text for a machine reason, or null when the table does not know it.</summary>
    public static string? ToChinese(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return null;
        }

        foreach (var (prefix, chinese) in ByLength)
        {
            if (reason.StartsWith(prefix, StringComparison.Ordinal))
            {
                return chinese;
            }
        }

        return null;
    }
}
