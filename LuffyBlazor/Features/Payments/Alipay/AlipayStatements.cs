using System.Text.Json;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary><c>alipay.data.dataservice.bill.downloadurl.query</c>: where the statement can be downloaded (for 30 seconds).</summary>
public sealed record AlipayBillDownloadUrl(string BillDownloadUrl) : IAlipayResponseData<AlipayBillDownloadUrl>
{
    public const string Method = "alipay.data.dataservice.bill.downloadurl.query";

    /// <summary>The answer for a day Alipay has no statement for (not generated yet, or nothing happened).</summary>
    public const string BillNotExist = "isp.bill_not_exist";

    public static AlipayBillDownloadUrl Read(JsonElement node) => new(node.Text("bill_download_url") ?? "");

    /// <summary>The day's business statement: bill_type <c>trade</c>, the date in Beijing time.</summary>
    public static string BizContent(DateOnly day) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["bill_type"] = "trade", ["bill_date"] = AlipayStatementReader.BillDate(day) });
}

/// <summary>
/// Fetches a day's trade statement: asks Alipay for the download URL (a signed OpenAPI call, through
/// <see cref="IAlipayClient"/>), downloads the zip and reads it (<see cref="AlipayStatementReader"/>).
/// </summary>
public sealed class AlipayStatements(HttpClient http, IAlipayClient alipay)
{
    public const long MaxZipBytes = 50 * 1024 * 1024;

    /// <summary>
    /// The statement, or null when Alipay (in a signed answer) has none for that day. A gateway that cannot be asked
    /// is an <see cref="AlipayException"/>; a statement that cannot be read an <see cref="AlipayStatementException"/>.
    /// </summary>
    public async Task<AlipayStatement?> DownloadAsync(DateOnly day, CancellationToken ct = default)
    {
        var answer = await alipay.QueryBillDownloadUrlAsync(day, ct);
        if (!answer.IsSuccess)
        {
            return answer.IsSigned && answer.Error?.SubCode == AlipayBillDownloadUrl.BillNotExist
                ? null
                : throw new AlipayException(AlipayBillDownloadUrl.Method, $"Alipay refused: {answer.Error}");
        }

        if (!Uri.TryCreate(answer.Data!.BillDownloadUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new AlipayException(AlipayBillDownloadUrl.Method, $"bill_download_url '{answer.Data.BillDownloadUrl}' is not an http(s) URL");
        }

        return AlipayStatementReader.Read(await DownloadZipAsync(url, ct));
    }

    private async Task<byte[]> DownloadZipAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new AlipayException(AlipayBillDownloadUrl.Method, $"downloading the statement answered HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxZipBytes)
            {
                throw new AlipayStatementException($"对账单压缩包有 {response.Content.Headers.ContentLength} 字节，超过上限 {MaxZipBytes}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var zip = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (zip.Length + read > MaxZipBytes)
                {
                    throw new AlipayStatementException($"对账单压缩包超过上限 {MaxZipBytes} 字节");
                }

                zip.Write(buffer, 0, read);
            }

            return zip.ToArray();
        }
        catch (HttpRequestException ex)
        {
            throw new AlipayException(AlipayBillDownloadUrl.Method, $"the statement could not be downloaded ({ex.Message})", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new AlipayException(AlipayBillDownloadUrl.Method, "the statement download did not finish in time", ex);
        }
    }
}
