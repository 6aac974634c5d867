using System.Net;
using System.Text.Json.Nodes;
using SkiaSharp;
using SuccessBot.Slack;

namespace SuccessBot.Tests.Slack;

/// <summary>An answer's chart in Slack, through the real host and the fake Web API: the external upload flow, in order, with the PNG's bytes.</summary>
public class SlackChartTests(SlackHost host) : IClassFixture<SlackHost>
{
    private SlackBotFactory Bot => host.Bot;
    private FakeSlack Slack => host.Slack;

    private static string Field(FakeCall call, string name) => call.Fields[name]?.ToString() ?? "";

    /// <summary>The three calls of one upload into <paramref name="channel"/>, checked in order, and the PNG the bytes are.</summary>
    private async Task<(FakeCall Complete, SKBitmap Png)> UploadedInto(string channel)
    {
        var complete = await Slack.WaitForAsync("files.completeUploadExternal", c => Field(c, "channel_id") == channel);
        var files = JsonNode.Parse(Field(complete, "files"))!.AsArray();
        var id = files[0]!["id"]!.GetValue<string>();
        var calls = Slack.AllCalls.ToList();
        var upload = calls.FindIndex(c => c.Method == "file upload" && Field(c, "file_id") == id);
        var ticket = upload < 0 ? -1 : calls.FindLastIndex(upload, c => c.Method == "files.getUploadURLExternal");
        Assert.True(ticket >= 0 && ticket < upload && upload < calls.IndexOf(complete), "getUploadURLExternal, the upload, then completeUploadExternal");
        var bytes = Slack.Uploads[id];
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(calls[ticket], "length"));
        Assert.EndsWith(".png", Field(calls[ticket], "filename"));
        Assert.Equal("image/png", Field(calls[upload], "content_type"));
        Assert.Equal("", calls[upload].Authorization);
        return (complete, SKBitmap.Decode(bytes));
    }

    /// <summary>The answer to a slash command: in the ack, or (past Slack's 3 seconds, on a busy machine) posted to its response_url after it.</summary>
    private async Task<JsonNode> AnswerTo(HttpResponseMessage response, string title)
    {
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (ack["text"]?.GetValue<string>() != "Working on it…") return ack;
        return (await Slack.WaitForAsync("response_url", c => Field(c, "text").StartsWith(title, StringComparison.Ordinal))).Fields;
    }

    [Fact]
    public async Task A_chart_asked_in_a_direct_message_is_uploaded_there_after_the_answer_with_its_text()
    {
        Assert.Equal(HttpStatusCode.OK, (await Bot.PostJsonAsync(SlackPayloads.EventCallback("Ev-chart-dm", SlackPayloads.DirectMessage("churn trend")))).StatusCode);

        var (complete, png) = await UploadedInto("D024BE91L");
        using (png)
        {
            Assert.Equal((800, 400), (png.Width, png.Height));
        }
        Assert.StartsWith("Churn trend", Field(complete, "initial_comment"));
        Assert.Contains("Monthly churn", Field(complete, "files"));
        var answer = await Slack.WaitForAsync("chat.postMessage", c => Field(c, "channel") == "D024BE91L" && Field(c, "text").StartsWith("Churn trend"));
        Assert.Contains("Month by month", answer.Fields["blocks"]!.ToJsonString());
        Assert.True(Slack.AllCalls.ToList().IndexOf(answer) < Slack.AllCalls.ToList().IndexOf(complete), "the answer first, then its chart");
    }

    [Fact]
    public async Task An_answer_only_the_asker_sees_says_its_chart_went_to_their_direct_message_and_it_goes_there()
    {
        var response = await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "trend", user: FakeSlack.Csm, responseUrl: Slack.ResponseUrl("chart-csm")));

        var message = await AnswerTo(response, "Churn trend");
        Assert.Equal("ephemeral", message["response_type"]!.GetValue<string>());
        Assert.Contains(SlackCharts.InYourMessages, message["blocks"]!.ToJsonString());
        Assert.Contains("your accounts", message["text"]!.GetValue<string>());
        var (complete, png) = await UploadedInto("D" + FakeSlack.Csm);
        png.Dispose();
        Assert.Contains("your accounts", Field(complete, "initial_comment"));
    }

    [Fact]
    public async Task A_german_csm_reads_where_the_chart_went_in_german()
    {
        const string user = "UCSMDE";
        Slack.Users[user] = (FakeSlack.Team, Slack.Users[FakeSlack.Csm].Email);
        Slack.Locales[user] = "de-DE";
        const string note = "Das Diagramm finden Sie in Ihren Direktnachrichten mit SuccessBot";

        var response = await Bot.PostFormAsync(SlackPayloads.SlashCommand("/churn", "trend", user: user, responseUrl: Slack.ResponseUrl("chart-csm-de")));

        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var message = ack.ToJsonString().Contains("blocks") ? ack : (await Slack.WaitForAsync("response_url", c => Readable(c.Fields).Contains(note))).Fields;
        Assert.Contains(note, Readable(message["blocks"]!));
        Assert.DoesNotContain(SlackCharts.InYourMessages, Readable(message["blocks"]!));
    }

    private static string Readable(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public async Task A_shared_answer_puts_its_charts_in_the_channel_in_one_upload()
    {
        var response = await Bot.PostFormAsync(SlackPayloads.SlashCommand("/nps", "trend share", channel: "CCHARTS", responseUrl: Slack.ResponseUrl("chart-share")));

        Assert.Equal("in_channel", (await AnswerTo(response, "NPS trend"))["response_type"]!.GetValue<string>());
        var (complete, png) = await UploadedInto("CCHARTS");
        png.Dispose();
        Assert.Equal(2, JsonNode.Parse(Field(complete, "files"))!.AsArray().Count);
    }
}
