using System.Text;
using LuffyBlazor.Features.Storage.Qiniu;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// The credential algorithms against published vectors: Qiniu's developer documentation (上传凭证, 管理凭证 with
/// MY_ACCESS_KEY / MY_SECRET_KEY) and the official Go SDK's unit tests (auth/credentials_test.go, ak / sk).
/// </summary>
public sealed class QiniuSignatureTests
{
    private const string DocAccessKey = "MY_ACCESS_KEY";
    private const string DocSecretKey = "MY_SECRET_KEY";

    [Fact]
    public void Upload_token_reproduces_the_documented_example_byte_for_byte()
    {
        var policy = new QiniuPutPolicy
        {
            Scope = "my-bucket:sunflower.jpg",
            Deadline = 1451491200,
            ReturnBody = "{\"name\":$(fname),\"size\":$(fsize),\"w\":$(imageInfo.width),\"h\":$(imageInfo.height),\"hash\":$(etag)}",
        };

        const string encodedPolicy = "eyJzY29wZSI6Im15LWJ1Y2tldDpzdW5mbG93ZXIuanBnIiwiZGVhZGxpbmUiOjE0NTE0OTEyMDAsInJldHVybkJvZHkiOiJ7XCJuYW1lXCI6JChmbmFtZSksXCJzaXplXCI6JChmc2l6ZSksXCJ3XCI6JChpbWFnZUluZm8ud2lkdGgpLFwiaFwiOiQoaW1hZ2VJbmZvLmhlaWdodCksXCJoYXNoXCI6JChldGFnKX0ifQ==";
        Assert.Equal("{\"scope\":\"my-bucket:sunflower.jpg\",\"deadline\":1451491200,\"returnBody\":\"{\\\"name\\\":$(fname),\\\"size\\\":$(fsize),\\\"w\\\":$(imageInfo.width),\\\"h\\\":$(imageInfo.height),\\\"hash\\\":$(etag)}\"}", policy.ToJson());
        Assert.Equal(encodedPolicy, QiniuSignature.UrlSafeBase64(policy.ToJson()));
        // The documentation gives the HMAC as hex: c10e287f2b1e7f547b20a9ebce2aada26ab20ef2.
        Assert.Equal("MY_ACCESS_KEY:wQ4ofysef1R7IKnrziqtomqyDvI=:" + encodedPolicy,
            QiniuSignature.UploadToken(DocAccessKey, DocSecretKey, policy));
        Assert.Equal(Convert.FromHexString("c10e287f2b1e7f547b20a9ebce2aada26ab20ef2"),
            QiniuSignature.UrlSafeBase64Decode("wQ4ofysef1R7IKnrziqtomqyDvI="));
    }

    [Fact]
    public void QBox_management_token_reproduces_the_documented_example()
    {
        var url = new Uri("http://rs.qiniu.com/move/bmV3ZG9jczpmaW5kX21hbi50eHQ=/bmV3ZG9jczpmaW5kLm1hbi50eHQ=");

        Assert.Equal("/move/bmV3ZG9jczpmaW5kX21hbi50eHQ=/bmV3ZG9jczpmaW5kLm1hbi50eHQ=\n", QiniuSignature.QBoxSigningString(url.PathAndQuery, null));
        Assert.Equal("QBox MY_ACCESS_KEY:FXsYh0wKHYPEsIAgdPD9OfjkeEM=", QiniuSignature.QBoxAuthorization(DocAccessKey, DocSecretKey, url, null));
    }

    [Theory]
    [InlineData("hello", "ak:NDN8cM0rwosxhHJ6QAcI7ialr0g=")]
    [InlineData("world", "ak:wZ-sw41ayh3PFDmQA-D3o7eBJIY=")]
    [InlineData("-test", "ak:oJ59sZasiWSqL1o7ugZs5OInEK4=")]
    [InlineData("ba#a-", "ak:tqHL8V2BbNI0dVDXsvueZp_2QnI=")]
    public void Sign_matches_the_Go_SDK_vectors(string data, string signed) =>
        Assert.Equal(signed, QiniuSignature.Sign("ak", "sk", data));

    [Theory]
    [InlineData("hello", "ak:2pn0qs-2kfEsQFuHI2pAYlo0hpc=:aGVsbG8=")]
    [InlineData("ba#a-", "ak:RLvTUx_kizrrbpSrinkdxC4jCy8=:YmEjYS0=")]
    public void Sign_with_data_as_upload_tokens_do_matches_the_Go_SDK_vectors(string data, string signed)
    {
        var encoded = QiniuSignature.UrlSafeBase64(data);
        Assert.Equal(signed, QiniuSignature.Sign("ak", "sk", encoded) + ":" + encoded);
    }

    [Fact]
    public void QBox_signing_string_with_a_form_body_matches_the_Go_SDK_vector()
    {
        // Go SDK: POST http://upload.qiniup.com (empty path) with form body name=test&language=go.
        Assert.Equal("ak:h8gBb1Adb2Jgoys1N8sRVAnNvpw=", QiniuSignature.Sign("ak", "sk", QiniuSignature.QBoxSigningString("", "name=test&language=go")));
        Assert.Equal("ak:qfWnqF1E_vfzjZnReCVkcSMl29M=", QiniuSignature.Sign("ak", "sk", QiniuSignature.QBoxSigningString("", null)));
    }

    [Theory]
    [InlineData("GET", "", "application/json", "ak:K1DI0goT05yhGizDFE5FiPJxAj4=")]
    [InlineData("POST", "", "application/json", "ak:0ujEjW_vLRZxebsveBgqa3JyQ-w=")]
    [InlineData("GET", "", null, "ak:0i1vKClRDWFyNkcTFzwcE7PzX74=")]
    [InlineData("GET", "upload.qiniup.com", null, "ak:GShw5NitGmd5TLoo38nDkGUofRw=")]
    public void Qiniu_signing_string_matches_the_Go_SDK_vectors(string method, string host, string? contentType, string signed)
    {
        // "X-Qiniu-" (nothing after the prefix) and "X-Qiniu" are not signed headers.
        var headers = new Dictionary<string, string> { ["X-Qiniu-"] = "a", ["X-Qiniu"] = "b" };
        var text = QiniuSignature.QiniuSigningString(method, "", host, contentType, headers, "{\"name\": \"test\"}");

        Assert.Equal(signed, QiniuSignature.Sign("ak", "sk", text));
    }

    [Fact]
    public void Qiniu_signing_string_canonicalises_and_sorts_qiniu_headers_and_skips_octet_stream_bodies()
    {
        var text = QiniuSignature.QiniuSigningString("post", "/delete/abc?x=1", "rs-z0.qiniuapi.com:8443", "application/octet-stream",
            [new("x-qiniu-meta-b", "2"), new("X-QINIU-DATE", "20261125T000000Z"), new("Accept", "*/*")], "binary");

        Assert.Equal("POST /delete/abc?x=1\nHost: rs-z0.qiniuapi.com:8443\nContent-Type: application/octet-stream\nX-Qiniu-Date: 20261125T000000Z\nX-Qiniu-Meta-B: 2\n\n", text);
    }

    [Fact]
    public void Private_download_url_appends_the_deadline_then_the_token_over_the_whole_url()
    {
        var url = QiniuSignature.PrivateDownloadUrl(DocAccessKey, DocSecretKey, "http://78re52.com1.z0.glb.clouddn.com/resource/flower.jpg", 1451491200);

        var signed = "http://78re52.com1.z0.glb.clouddn.com/resource/flower.jpg?e=1451491200";
        Assert.Equal($"{signed}&token={QiniuSignature.Sign(DocAccessKey, DocSecretKey, signed)}", url);
        Assert.Equal("http://cdn.test/a.webm?v=2&e=10&token=" + QiniuSignature.Sign("ak", "sk", "http://cdn.test/a.webm?v=2&e=10"),
            QiniuSignature.PrivateDownloadUrl("ak", "sk", "http://cdn.test/a.webm?v=2", 10));
    }

    [Fact]
    public void An_upload_token_reads_back_only_with_the_right_keys_and_an_untouched_signature()
    {
        var policy = new QiniuPutPolicy { Scope = "luffy:covers/a.png", Deadline = 2000000000, FsizeLimit = 1024, MimeLimit = "image/png" };
        var token = QiniuSignature.UploadToken("ak", "sk", policy);

        Assert.Equal(policy, QiniuSignature.ReadUploadToken(token, "ak", "sk"));
        Assert.Null(QiniuSignature.ReadUploadToken(token, "ak", "other-secret"));
        Assert.Null(QiniuSignature.ReadUploadToken(token, "other-ak", "sk"));
        var parts = token.Split(':');
        var forged = QiniuSignature.UrlSafeBase64((policy with { Scope = "luffy" }).ToJson());
        Assert.Null(QiniuSignature.ReadUploadToken($"{parts[0]}:{parts[1]}:{forged}", "ak", "sk"));
        Assert.Null(QiniuSignature.ReadUploadToken("garbage", "ak", "sk"));
    }

    [Fact]
    public void Encoded_entry_is_urlsafe_base64_of_bucket_colon_key()
    {
        // The documentation's own example entry: newdocs:find_man.txt.
        Assert.Equal("bmV3ZG9jczpmaW5kX21hbi50eHQ=", QiniuSignature.EncodedEntry("newdocs", "find_man.txt"));
        Assert.DoesNotContain('+', QiniuSignature.EncodedEntry("b", "~~~>>>"));
        Assert.DoesNotContain('/', QiniuSignature.EncodedEntry("b", "???"));
    }

}
