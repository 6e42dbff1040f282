// The HTTP handler without a socket: every route, parameter and error.
#include "http_fixture.hpp"

#include "base64.hpp"

using namespace http_tests;

TEST_CASE_METHOD(fixture, "seed: acknowledge of a charge issued for another customer answers code 1, byte for byte in shape",
                 "[http][seed]")
{
    service.issue(op, a_charge("I00002707").for_customer("someone-else"));
    // The seed's request body, with a token of this server in place of CRM.COM's.
    const auto r = post("netflix/charges/acknowledge", R"({
    "token": ")" + token + R"(",
    "acknowledged_charges_set":[
{
"number":"I00002707",
"billing_system_customer_identifier":"pp"
}
]
})");
    CHECK(r.status == 200);
    const auto e = envelope_of(r);
    const auto expected = json::parse(R"({
        "data": {"failed_charges_set": [{
            "number": "I00002707",
            "error_description": "The specified charge was not issued for the specified customer",
            "error_code": "1",
            "reference_number": null}]},
        "status": {"code": "OK", "description": "", "message": ""}})");
    CHECK(json::value(e) == expected);
}

TEST_CASE_METHOD(fixture, "seed: decline of a PENDING charge succeeds with no failures", "[http][seed]")
{
    service.issue(op, a_charge("I00002706").for_customer("pci155"));
    const auto r = post("netflix/charges/decline", R"({
    "token":")" + token + R"(",
    "declined_charges_set":[
        {
            "number":"I00002706",
            "billing_system_customer_identifier":"pci155"
        }
    ]
})");
    const auto e = envelope_of(r);
    CHECK(e.at("status") == json::parse(R"({"code":"OK","description":"","message":""})"));
    CHECK(e.at("data") == json::parse(R"({"failed_charges_set":[]})"));  // SPEC: [] is fine where the seed shows {}
    CHECK(service.find(op, "I00002706")->status == charge_status::declined);
}

TEST_CASE_METHOD(fixture, "seed: CRM.COM's example token is refused here", "[http][seed][auth]")
{
    const std::string seed_token =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c3IiOiJNUEFkbWluaXN0cmF0b3IiLCJvcmciOiJwc19kZXYiLCJvdW4iOiIxIiwiZXhwIjoi"
        "MTQ4ODI5OTQwMiIsImlhdCI6IjE0ODgyOTIyMDIiLCJqdGkiOiJFNEIyNTdDNDA2NUE0NTA3OTYzNkI3NkI2MDUwMzY5QSJ9.KhMhy4Sz2iG0g14Sv_"
        "pUpE0KFweKsicf9aR44mg0vuE";
    const auto r = post("netflix/charges/acknowledge",
                        R"({"token":")" + seed_token + R"(","acknowledged_charges_set":[{"number":"I00002707","billing_system_customer_identifier":"pp"}]})");
    CHECK(r.status == 200);
    CHECK(status_code(r) == "UNAUTHENTICATED");
    CHECK(status_message(r) == "token is not valid");
}

TEST_CASE_METHOD(fixture, "login answers a token that works for the operator's calls", "[http][auth]")
{
    const auto r = post("authentication/token", R"({"username":"billing","password":"correct horse","organisation":"ps_dev"})");
    const auto e = envelope_of(r);
    CHECK(e.at("status").at("code") == "OK");
    const std::string issued{e.at("data").at("token").as_string()};
    CHECK(auth.verify(issued).who->organisation() == op);

    const auto wrong = post("authentication/token", R"({"username":"billing","password":"wrong","organisation":"ps_dev"})");
    CHECK(status_code(wrong) == "INVALID_CREDENTIALS");
    // Shown to the user by CRM.COM clients: never empty, and the same whatever part was wrong.
    CHECK(status_message(wrong) == "The user name, password, organisation or unit is not right");
    CHECK(status_code(post("authentication/token", R"({"username":"billing","password":"correct horse","organisation":"ps_dev","unit":"2"})")) ==
          "INVALID_CREDENTIALS");
    const auto missing = post("authentication/token", R"({"username":"billing","password":"correct horse"})");
    CHECK(status_code(missing) == "MISSING_PARAMETER");
    CHECK(status_message(missing) == "organisation is missing");
    const auto wrong_type = post("authentication/token", R"({"username":"billing","password":true,"organisation":"ps_dev"})");
    CHECK(status_code(wrong_type) == "INVALID_PARAMETER");
    CHECK(status_message(wrong_type) == "password must be a string, not a boolean");
    // "unit": "" is no unit, as a C# client with an empty configured unit sends it.
    CHECK(status_code(post("authentication/token",
                           R"({"username":"billing","password":"correct horse","organisation":"ps_dev","unit":""})")) == "OK");
    CHECK(status_code(post("authentication/token",
                           R"({"username":"billing","password":"correct horse","organisation":"ps_dev","unit":null})")) == "OK");
}

TEST_CASE_METHOD(fixture, "a Web API key logs in with HTTP Basic auth, as the user name with an empty password",
                 "[http][auth]")
{
    const auto key = auth.create_api_key(op, "1");
    auto basic = [](const std::string& text) { return "Basic " + test_support::base64(text); };
    const auto r = call("POST", base + "authentication/web_api_key/token", "", {{"Authorization", basic(key.key + ":")}});
    const auto e = envelope_of(r);
    CHECK(e.at("status").at("code") == "OK");
    CHECK(auth.verify(std::string{e.at("data").at("token").as_string()}).who->organisation() == op);

    const auto with_unit = call("POST", base + "authentication/web_api_key/token", R"({"unit":"1"})",
                                {{"Authorization", basic(key.key + ":")}, {"Content-Type", "application/json"}});
    CHECK(status_code(with_unit) == "OK");
    CHECK(status_code(call("POST", base + "authentication/web_api_key/token", "", {{"Authorization", basic("nck_wrong:")}})) ==
          "INVALID_CREDENTIALS");
    // Without Authorization: a 401 challenge in both modes, as Basic-auth helpers that send the
    // key only when challenged need it.
    const auto none = call("POST", base + "authentication/web_api_key/token", "", {});
    CHECK(none.status == 401);
    REQUIRE(none.header("WWW-Authenticate") != nullptr);
    CHECK(*none.header("WWW-Authenticate") == R"(Basic realm="netflix_charges")");
    CHECK(status_code(none) == "MISSING_PARAMETER");
    CHECK(status_message(none).find("HTTP Basic") != std::string::npos);
    // The scheme in any case, the key with or without its ':', by POST or by GET.
    for (const std::string& scheme_and_key : {basic(key.key + ":"), basic(key.key), "basic " + basic(key.key).substr(6),
                                              "BASIC   " + basic(key.key + ":").substr(6)})
        for (const char* method : {"POST", "GET"}) {
            CAPTURE(scheme_and_key, method);
            CHECK(status_code(call(method, base + "authentication/web_api_key/token", "", {{"Authorization", scheme_and_key}})) ==
                  "OK");
        }
    CHECK(status_code(call("GET", base + "authentication/web_api_key/token?unit=1", "",
                           {{"Authorization", basic(key.key + ":")}})) == "OK");
    CHECK(status_code(call("GET", base + "authentication/web_api_key/token?unit=2", "",
                           {{"Authorization", basic(key.key + ":")}})) == "INVALID_CREDENTIALS");
    for (const auto& [header, message] : std::vector<std::pair<std::string, std::string>>{
             {"Basic abcde", "Authorization is not valid base64"},
             {"Basic", "Authorization has an empty user name: put the Web API key there"},
             {"Digest x", "Authorization must use the Basic scheme"}}) {
        CAPTURE(header);
        const auto refused = call("POST", base + "authentication/web_api_key/token", "", {{"Authorization", header}});
        CHECK(status_code(refused) == "INVALID_CREDENTIALS");
        CHECK(status_message(refused) == message);
    }
}

TEST_CASE_METHOD(fixture, "release makes a token stop working at once", "[http][auth]")
{
    CHECK(status_code(get(list_query())) == "OK");
    CHECK(status_code(post("authentication/token/release", R"({"token":")" + token + R"("})")) == "OK");
    CHECK(status_code(get(list_query())) == "UNAUTHENTICATED");
    CHECK(status_code(post("authentication/token/release", R"({"token":")" + token + R"("})")) == "UNAUTHENTICATED");
    CHECK(status_code(post("authentication/token/release", "{}")) == "UNAUTHENTICATED");
}

TEST_CASE_METHOD(fixture, "list answers the charges with money in plain decimals and CRM.COM's date formats",
                 "[http][list]")
{
    service.issue(op, a_charge("I2").costing("1200.00", "EUR").in_local_currency("140000.5", "ALL").received_on(at("2026-01-02T03:04:05")));
    service.issue(op, a_charge("I1").costing("9.99", "USD").paid_through(date{2026, 12, 31}).received_on(at("2026-01-01T00:00:00")));
    const auto r = get(list_query());
    CHECK(r.body.find(R"("amount":1200.00)") != std::string::npos);
    CHECK(r.body.find(R"("amount":9.99)") != std::string::npos);
    CHECK(r.body.find(R"("local_currency_amount":140000.5)") != std::string::npos);
    CHECK(r.body.find("E0") == std::string::npos);
    const auto e = envelope_of(r);
    const auto& charges = e.at("data").at("charges_set").as_array();
    REQUIRE(charges.size() == 2);
    const auto& first = charges[0].as_object();
    CHECK(first.at("number") == "I1");
    CHECK(first.at("billing_system_customer_identifier") == "customer-1");
    CHECK(first.at("currency") == "USD");
    CHECK(first.at("local_currency_amount").is_null());
    CHECK(first.at("local_currency").is_null());
    CHECK(first.at("paid_through_date") == "2026-12-31");
    CHECK(first.at("charge_status") == "PENDING");
    CHECK(first.at("received_on") == "2026-01-01T00:00:00");
    for (const char* field : {"set_as_approved_on", "set_as_declined_on", "set_as_bad_request_on", "set_as_rejected_request_on"})
        CHECK(first.at(field).is_null());
    CHECK(first.size() == 13);
}

TEST_CASE("a page listed again is answered anew whenever anything in it differs, down to an amount's scale",
          "[http][list]")
{
    // Two operators whose pages differ only in the scale of one local amount; then a change.
    fixture f;
    http_tests::fixture other;
    f.service.issue(f.op, a_charge("I1").in_local_currency("1.5", "ALL").received_on(at("2026-01-01T00:00:00")));
    other.service.issue(other.op, a_charge("I1").in_local_currency("1.50", "ALL").received_on(at("2026-01-01T00:00:00")));
    CHECK(f.get(f.list_query()).body.find(R"("local_currency_amount":1.5,)") != std::string::npos);
    CHECK(other.get(other.list_query()).body.find(R"("local_currency_amount":1.50,)") != std::string::npos);
    CHECK(f.get(f.list_query()).body.find(R"("local_currency_amount":1.5,)") != std::string::npos);
    f.service.record_outcome(f.op, "I1", charge_status::approved);
    CHECK(envelope_of(f.get(f.list_query())).at("data").at("charges_set").as_array().empty());
}

TEST_CASE_METHOD(fixture, "list pages by offset and number_of_results and filters by status class", "[http][list]")
{
    for (int i = 0; i < 5; ++i) service.issue(op, a_charge("P" + std::to_string(i)).received_on(at("2026-01-01T00:00:00") + std::chrono::seconds{i}));
    service.issue(op, a_charge("R1"));
    service.record_outcome(op, "R1", charge_status::rejected, at("2026-02-02T02:02:02"));
    auto numbers = [&](const std::string& query) {
        std::vector<std::string> out;
        const auto e = envelope_of(get(list_query(query)));
        for (const auto& c : e.at("data").at("charges_set").as_array()) out.emplace_back(c.at("number").as_string());
        return out;
    };
    CHECK(numbers("number_of_results=2&charge_status=NOT_PROCESSED&offset=1") == std::vector<std::string>{"P1", "P2"});
    CHECK(numbers("number_of_results=50&charge_status=NOT_PROCESSED&offset=4") == std::vector<std::string>{"P4"});
    CHECK(numbers("number_of_results=50&charge_status=PROCESSED&offset=0") == std::vector<std::string>{"R1"});
    const auto processed = envelope_of(get(list_query("number_of_results=1&charge_status=PROCESSED&offset=0")));
    CHECK(processed.at("data").at("charges_set").at(0).at("set_as_rejected_request_on") == "2026-02-02T02:02:02");
    CHECK(processed.at("data").at("charges_set").at(0).at("charge_status") == "REJECTED");
}

TEST_CASE_METHOD(fixture, "fields_set returns only the named fields; an unknown name is an error", "[http][list]")
{
    service.issue(op, a_charge("I1"));
    const auto r = get(list_query("number_of_results=5&charge_status=NOT_PROCESSED&offset=0&fields_set=number,amount"));
    const auto e = envelope_of(r);
    const auto& c = e.at("data").at("charges_set").at(0).as_object();
    CHECK(c.size() == 2);
    CHECK(c.at("number") == "I1");
    CHECK(r.body.find(R"("amount":9.99)") != std::string::npos);
    const auto bad = get(list_query("number_of_results=5&charge_status=NOT_PROCESSED&offset=0&fields_set=number,colour"));
    CHECK(status_code(bad) == "INVALID_PARAMETER");
    CHECK(status_message(bad) == "fields_set names an unknown field, colour");
    // Empty is absent (every field), and empty names between commas are skipped.
    const auto all = envelope_of(get(list_query("number_of_results=5&charge_status=NOT_PROCESSED&offset=0&fields_set=")));
    CHECK(all.at("data").at("charges_set").at(0).as_object().size() == 13);
    const auto two = envelope_of(get(list_query("number_of_results=5&charge_status=NOT_PROCESSED&offset=0&fields_set=number,,amount,")));
    CHECK(two.at("data").at("charges_set").at(0).as_object().size() == 2);
}

TEST_CASE_METHOD(fixture, "list parameters are checked, naming the one at fault", "[http][list]")
{
    struct bad_case {
        std::string query;
        std::string code;
        std::string message;
    };
    const std::vector<bad_case> cases{
        {"charge_status=NOT_PROCESSED&offset=0", "MISSING_PARAMETER", "number_of_results is missing"},
        {"number_of_results=5&offset=0", "MISSING_PARAMETER", "charge_status is missing"},
        {"number_of_results=5&charge_status=NOT_PROCESSED", "MISSING_PARAMETER", "offset is missing"},
        {"number_of_results=&charge_status=NOT_PROCESSED&offset=0", "MISSING_PARAMETER", "number_of_results is missing"},
        {"number_of_results=0&charge_status=NOT_PROCESSED&offset=0", "INVALID_PARAMETER",
         "number_of_results must be a whole number from 1 to 50"},
        {"number_of_results=51&charge_status=NOT_PROCESSED&offset=0", "INVALID_PARAMETER",
         "number_of_results must be a whole number from 1 to 50"},
        {"number_of_results=-1&charge_status=NOT_PROCESSED&offset=0", "INVALID_PARAMETER",
         "number_of_results must be a whole number from 1 to 50"},
        {"number_of_results=5x&charge_status=NOT_PROCESSED&offset=0", "INVALID_PARAMETER",
         "number_of_results must be a whole number from 1 to 50"},
        {"number_of_results=5&charge_status=PENDING&offset=0", "INVALID_PARAMETER",
         "charge_status must be NOT_PROCESSED or PROCESSED"},
        {"number_of_results=5&charge_status=NOT_PROCESSED&offset=-1", "INVALID_PARAMETER",
         "offset must be a whole number from 0 to 9223372036854775807"},
        {"number_of_results=5&charge_status=NOT_PROCESSED&offset=1.5", "INVALID_PARAMETER",
         "offset must be a whole number from 0 to 9223372036854775807"},
        {"number_of_results=5&number_of_results=6&charge_status=NOT_PROCESSED&offset=0", "INVALID_PARAMETER",
         "number_of_results is given twice, with different values"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.query);
        const auto r = get(list_query(c.query));
        CHECK(r.status == 200);
        CHECK(status_code(r) == c.code);
        CHECK(status_message(r) == c.message);
    }
}

TEST_CASE_METHOD(fixture, "a query is read as servlets read it: empty pairs are nothing, a repeat of the same value is one",
                 "[http][list][reading]")
{
    service.issue(op, a_charge("I1"));
    for (const std::string query : {"&&number_of_results=5&&charge_status=NOT_PROCESSED&offset=0&",
                                    "number_of_results=5&charge_status=NOT_PROCESSED&offset=0&number_of_results=5",
                                    "number_of_results=5&charge_status=NOT_PROCESSED&offset=0&=stray"}) {
        CAPTURE(query);
        const auto r = get(list_query(query));
        CHECK(status_code(r) == "OK");
        CHECK(envelope_of(r).at("data").at("charges_set").as_array().size() == 1);
    }
}

TEST_CASE_METHOD(fixture, "an API path is the same with a trailing slash or doubled slashes, and in absolute form",
                 "[http][reading]")
{
    service.issue(op, a_charge("I1"));
    const std::string query = "?token=" + token + "&number_of_results=5&charge_status=NOT_PROCESSED&offset=0";
    for (const std::string& path : std::vector<std::string>{base + "netflix/charges/list/", base + "netflix//charges/list",
                                                             "/crmapi/rest/v2//netflix/charges/list",
                                                             "http://127.0.0.1:8080" + base + "netflix/charges/list"}) {
        CAPTURE(path);
        CHECK(status_code(call("GET", path + query)) == "OK");
    }
    CHECK(call("GET", "/healthz/").status == 200);
    CHECK(call("GET", base + "netflix/charges/lists" + query).status == 404);
}

TEST_CASE_METHOD(fixture, "the token is taken from the query, the body or an Authorization: Bearer header",
                 "[http][auth]")
{
    service.issue(op, a_charge("I1"));
    const std::string params = "netflix/charges/list?number_of_results=5&charge_status=NOT_PROCESSED&offset=0";
    CHECK(status_code(call("GET", base + params, "", {{"Authorization", "Bearer " + token}})) == "OK");
    CHECK(status_code(call("GET", base + params)) == "UNAUTHENTICATED");
    CHECK(status_code(call("GET", base + params + "&token=" + token, "", {{"Authorization", "Bearer other"}})) ==
          "INVALID_PARAMETER");
    const auto r = call("POST", base + "netflix/charges/acknowledge",
                        R"({"acknowledged_charges_set":[{"number":"I1","billing_system_customer_identifier":"customer-1"}]})",
                        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
    CHECK(status_code(r) == "OK");
    CHECK(service.find(op, "I1")->acknowledged);
}

TEST_CASE_METHOD(fixture, "acknowledge, accept and decline answer per-item failures with their reference numbers",
                 "[http][batch]")
{
    service.issue(op, a_charge("I1"));
    service.issue(op, a_charge("I2"));
    service.issue(op, a_charge("I3"));
    const auto ack = envelope_of(post("netflix/charges/acknowledge", items_body("acknowledged_charges_set",
        R"({"number":"I1","billing_system_customer_identifier":"customer-1","reference_number":"R1"},
           {"number":"NOPE","billing_system_customer_identifier":"customer-1","reference_number":"R2"})")));
    CHECK(ack.at("data") == json::parse(R"({"failed_charges_set":[{"number":"NOPE","reference_number":"R2","error_code":"2",
        "error_description":"No charge with the specified number exists"}]})"));
    CHECK(service.find_by_reference(op, "R1")->number == "I1");

    const auto accept = envelope_of(post("netflix/charges/accept", items_body("accepted_charges_set",
        R"({"number":"I2","billing_system_customer_identifier":"customer-1","reference_number":"A2"})")));
    CHECK(accept.at("data").at("failed_charges_set").as_array().empty());
    CHECK(service.find(op, "I2")->status == charge_status::approved);

    const auto decline = envelope_of(post("netflix/charges/decline", items_body("declined_charges_set",
        R"({"number":"I2","billing_system_customer_identifier":"customer-1"},
           {"number":"I3","billing_system_customer_identifier":"customer-1","reference_number":"D3"})")));
    const auto& failed = decline.at("data").at("failed_charges_set").as_array();
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].at("number") == "I2");
    CHECK(failed[0].at("error_code") == "5");
    CHECK(failed[0].at("reference_number").is_null());
    CHECK(service.find(op, "I3")->status == charge_status::declined);
}

TEST_CASE_METHOD(fixture, "optional fields given as null or empty are absent; integers are read as their digits",
                 "[http][batch][reading]")
{
    service.issue(op, a_charge("I1"));
    service.issue(op, a_charge("I2"));
    const auto r = post("netflix/charges/acknowledge",
                        items_body("acknowledged_charges_set",
                                   R"({"number":"I1","billing_system_customer_identifier":"customer-1","reference_number":""},)"
                                   R"({"number":"I2","billing_system_customer_identifier":"customer-1","reference_number":4711})"));
    CHECK(status_code(r) == "OK");
    CHECK(envelope_of(r).at("data").at("failed_charges_set").as_array().empty());
    CHECK(service.find(op, "I1")->acknowledged->reference_number == std::nullopt);
    CHECK(service.find(op, "I2")->acknowledged->reference_number == std::optional<std::string>{"4711"});
}

TEST_CASE_METHOD(fixture, "a body is read as JSON whatever its Content-Type says, and a UTF-8 byte order mark is skipped",
                 "[http][batch][reading]")
{
    service.issue(op, a_charge("I1"));
    const std::string body = items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":"customer-1"})");
    for (const std::string type : {"applicatio/json", "text/plain", "application/x-www-form-urlencoded", "text/json; charset=utf-8"}) {
        CAPTURE(type);
        CHECK(status_code(call("POST", base + "netflix/charges/acknowledge", body, {{"Content-Type", type}})) == "OK");
    }
    CHECK(status_code(call("POST", base + "netflix/charges/acknowledge", "\xEF\xBB\xBF" + body, {})) == "OK");
    const auto form = call("POST", base + "netflix/charges/acknowledge", "token=x&acknowledged_charges_set=I1",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(status_code(form) == "MALFORMED_REQUEST");
    CHECK(status_message(form) ==
          "The body is not valid JSON (syntax error); it was sent as application/x-www-form-urlencoded");
}

TEST_CASE_METHOD(fixture, "a malformed batch is refused as a whole, naming the field", "[http][batch]")
{
    service.issue(op, a_charge("I1"));
    std::string fifty_one;
    for (int i = 0; i < 51; ++i)
        fifty_one += std::string{i ? "," : ""} + R"({"number":"I1","billing_system_customer_identifier":"customer-1"})";
    struct bad_case {
        std::string body;
        std::string code;
        std::string message;
    };
    const std::string good_item = R"({"number":"I1","billing_system_customer_identifier":"customer-1"})";
    const std::vector<bad_case> cases{
        {"not json", "MALFORMED_REQUEST", "The body is not valid JSON (syntax error); it was sent as application/json"},
        {"", "MALFORMED_REQUEST", "The request has no body: send a JSON object"},
        {"[1,2]", "MALFORMED_REQUEST", "The body must be a JSON object, not an array"},
        {R"({"token":")" + token + R"("})", "MISSING_PARAMETER", "acknowledged_charges_set is missing"},
        {items_body("acknowledged_charges_set", ""), "MISSING_PARAMETER",
         "acknowledged_charges_set is empty: at least one item is required"},
        {items_body("acknowledged_charges_set", fifty_one), "TOO_MANY_ITEMS",
         "acknowledged_charges_set has 51 items: at most 50 are allowed in one request"},
        {R"({"token":")" + token + R"(","acknowledged_charges_set":"I1"})", "INVALID_PARAMETER",
         "acknowledged_charges_set must be an array, not a string"},
        {items_body("acknowledged_charges_set", "1"), "INVALID_PARAMETER",
         "acknowledged_charges_set[0] must be an object, not an integer"},
        {items_body("acknowledged_charges_set", R"({"billing_system_customer_identifier":"c"})"), "MISSING_PARAMETER",
         "acknowledged_charges_set[0].number is missing"},
        {items_body("acknowledged_charges_set", good_item + R"(,{"number":7.5,"billing_system_customer_identifier":"c"})"),
         "INVALID_PARAMETER", "acknowledged_charges_set[1].number must be a string, not a number with a fraction"},
        {items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":""})"),
         "MISSING_PARAMETER", "acknowledged_charges_set[0].billing_system_customer_identifier is missing"},
        {items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":"c","reference_number":{}})"),
         "INVALID_PARAMETER", "acknowledged_charges_set[0].reference_number must be a string, not an object"},
        {items_body("acknowledged_charges_set", good_item + "," + R"({"number":"I1","billing_system_customer_identifier":"customer-1","reference_number":")" +
                                                    std::string(129, 'r') + R"("})"),
         "INVALID_PARAMETER", "acknowledged_charges_set[1].reference_number is longer than 128 bytes"},
        {R"({"acknowledged_charges_set":[)" + good_item + "]}", "UNAUTHENTICATED",
         "token is missing: log in first, then send the token"},
        {R"({"token":"forged.token.here","acknowledged_charges_set":[)" + good_item + "]}", "UNAUTHENTICATED",
         "token is not valid"},
        {R"({"token":false,"acknowledged_charges_set":[)" + good_item + "]}", "INVALID_PARAMETER",
         "token must be a string, not a boolean"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.body.substr(0, 200));
        const auto r = post("netflix/charges/acknowledge", c.body);
        CHECK(r.status == 200);
        CHECK(status_code(r) == c.code);
        CHECK(status_message(r) == c.message);
    }
    CHECK_FALSE(service.find(op, "I1")->acknowledged);
}

TEST_CASE("strict mode answers request errors with 400, 401, 409 and 503", "[http][errors]")
{
    fixture f{http::error_mode::strict};
    CHECK(f.post("netflix/charges/acknowledge", "not json").status == 400);
    CHECK(f.get("netflix/charges/list?number_of_results=5&charge_status=NOT_PROCESSED&offset=0").status == 401);
    CHECK(f.post("authentication/token", R"({"username":"x","password":"yyyyyyyy","organisation":"z"})").status == 401);
    CHECK(f.get(f.list_query("number_of_results=99&charge_status=NOT_PROCESSED&offset=0")).status == 400);
    CHECK(f.get(f.list_query()).status == 200);
    CHECK(status_code(f.get(f.list_query("number_of_results=0&charge_status=NOT_PROCESSED&offset=0"))) ==
          "INVALID_PARAMETER");
}

TEST_CASE_METHOD(fixture, "paths and methods outside the API answer 404 and 405 with Allow, still as envelopes",
                 "[http][errors]")
{
    const auto missing = call("GET", base + "netflix/charges/nothing");
    CHECK(missing.status == 404);
    CHECK(status_code(missing) == "NOT_FOUND");
    CHECK(call("GET", "/crmapi/rest/v1/netflix/charges/list").status == 404);
    CHECK(call("GET", "/").status == 404);

    const auto wrong_method = call("GET", base + "netflix/charges/acknowledge");
    CHECK(wrong_method.status == 405);
    CHECK(status_code(wrong_method) == "METHOD_NOT_ALLOWED");
    REQUIRE(wrong_method.header("Allow") != nullptr);
    CHECK(*wrong_method.header("Allow") == "POST");
    CHECK(status_message(wrong_method) == "This path takes POST, not GET");
    CHECK(status_message(missing) == "No API method has this path");
    CHECK(*call("POST", base + "netflix/charges/list").header("Allow") == "GET, HEAD");
    CHECK(*call("DELETE", "/healthz").header("Allow") == "GET, HEAD");
    CHECK(*call("DELETE", base + "authentication/web_api_key/token").header("Allow") == "POST, GET");
    // HEAD never issues a token.
    CHECK(call("HEAD", base + "authentication/web_api_key/token").status == 405);
    // HEAD is answered as GET (the server leaves the body out).
    CHECK(call("HEAD", "/healthz").status == 200);
}

namespace {

// A store whose writes fail as a broken disk does, with a detail that must not reach clients.
struct failing_store : charge_store {
    void write(const operator_id&, const batch_keys&, const write_planner&) override
    {
        throw error{errc::storage_failure, "", "/var/lib/secret/charges.db: disk I/O error"};
    }
    void write_parts(const operator_id& op, const next_part&, const write_planner& planner) override
    {
        write(op, {}, planner);
    }
    std::optional<charge> find_by_number(const operator_id&, const std::string&) override { return std::nullopt; }
    std::optional<charge> find_by_reference(const operator_id&, const std::string&) override { return std::nullopt; }
    std::vector<charge> list_unacknowledged(const operator_id&, status_class, std::size_t, std::size_t) override
    {
        return {};
    }
    std::vector<journal_entry> journal(const operator_id&, std::int64_t, std::size_t) override { return {}; }
    std::size_t prune_journal(timestamp) override { return 0; }
    void for_each_received(const operator_id&, timestamp, timestamp, const std::function<void(const charge&)>&) override {}
    std::vector<operator_backlog> backlogs() override { return {}; }
};

}  // namespace

TEST_CASE("a storage fault answers the code's description; its detail goes to the log only", "[http][errors]")
{
    failing_store store;
    memory_store credentials;
    charges_service service{store};
    jwt_authenticator auth{credentials, fixture::auth_options()};
    auth.add_user(operator_id{"ps_dev"}, "billing", "", "correct horse");
    const auto token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    for (const auto mode : {http::error_mode::compatible, http::error_mode::strict}) {
        std::vector<std::string> logged;
        http::handler_options options;
        options.errors = mode;
        options.log = [&](log_level, std::string_view line) { logged.emplace_back(line); };
        const http::handler api{service, auth, options};
        const auto r = api({"POST", base + "netflix/charges/acknowledge", {},
                            R"({"token":")" + token + R"(","acknowledged_charges_set":[{"number":"I1","billing_system_customer_identifier":"c"}]})"});
        CHECK(r.status == (mode == http::error_mode::strict ? 503 : 200));
        CHECK(status_code(r) == "STORAGE_FAILURE");
        CHECK(status_message(r) == "The store failed; nothing was changed");
        CHECK(r.body.find("secret") == std::string::npos);
        bool detail_logged = false;
        for (const auto& line : logged) detail_logged = detail_logged || line.find("disk I/O error") != std::string::npos;
        CHECK(detail_logged);
    }
}

TEST_CASE("transport errors are envelopes with their real status", "[http][errors]")
{
    for (int status : {400, 404, 405, 408, 413, 431, 503, 502}) {
        const auto r = http::handler::transport_error(status);
        CHECK(r.status == status);
        CHECK(status_code(r) != "OK");
        CHECK_FALSE(status_message(r).empty());
    }
    CHECK(status_message(http::handler::transport_error(400, "Transfer-Encoding gzip is not accepted")) ==
          "Transfer-Encoding gzip is not accepted");
    CHECK(status_code(http::handler::transport_error(413)) == "BODY_TOO_LARGE");
}

TEST_CASE_METHOD(fixture, "healthz, readyz and metrics", "[http][ops]")
{
    CHECK(call("GET", "/healthz").status == 200);
    CHECK(call("GET", "/readyz").status == 200);
    service.issue(op, a_charge("I1"));
    post("netflix/charges/acknowledge", items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":"customer-1"})"));
    service.issue(op, a_charge("I2"));
    service.issue(op, a_charge("I3"));
    post("netflix/charges/accept", items_body("accepted_charges_set",
                                              R"({"number":"I2","billing_system_customer_identifier":"customer-1"},)"
                                              R"({"number":"NOPE","billing_system_customer_identifier":"customer-1"},)"
                                              R"({"number":"I2","billing_system_customer_identifier":"customer-1"})"));
    get(list_query());
    const auto m = call("GET", "/metrics");
    INFO(m.body);
    CHECK(m.status == 200);
    CHECK(*m.header("Content-Type") == "text/plain; version=0.0.4");
    CHECK(m.body.find(R"(netflix_charges_http_requests_total{route="netflix/charges/list",status="200"} 1)") != std::string::npos);
    CHECK(m.body.find(R"(netflix_charges_charges_acknowledged_total{operator="ps_dev"} 1)") != std::string::npos);
    CHECK(m.body.find(R"(netflix_charges_charges_accepted_total{operator="ps_dev"} 1)") != std::string::npos);
    CHECK(m.body.find(R"(netflix_charges_items_failed_total{code="2",operation="accept",operator="ps_dev"} 1)") !=
          std::string::npos);
    CHECK(m.body.find(R"(netflix_charges_items_failed_total{code="7",operation="accept",operator="ps_dev"} 1)") !=
          std::string::npos);
    CHECK(m.body.find(R"(netflix_charges_http_request_duration_seconds_bucket{le="+Inf"})") != std::string::npos);
    // The backlog, from the store's counts: I3 waits; I1 is acknowledged; I2 is processed but not acknowledged.
    CHECK(m.body.find(R"(netflix_charges_backlog_charges{charge_status="NOT_PROCESSED",operator="ps_dev"} 1)") !=
          std::string::npos);
    CHECK(m.body.find(R"(netflix_charges_backlog_charges{charge_status="PROCESSED",operator="ps_dev"} 1)") !=
          std::string::npos);

    bool ready = false;
    http::handler_options o;
    o.ready = [&] { return ready; };
    http::handler not_ready{service, auth, o};
    const auto r = not_ready({"GET", "/readyz", {}, {}});
    CHECK(r.status == 503);
    CHECK(status_code(r) == "NOT_READY");
    ready = true;
    CHECK(not_ready({"GET", "/readyz", {}, {}}).status == 200);
}

TEST_CASE_METHOD(fixture, "the access log has method, path without query, status and duration, never the token",
                 "[http][ops]")
{
    std::vector<std::string> lines;
    http::handler_options o;
    o.log = [&](log_level, std::string_view line) { lines.emplace_back(line); };
    http::handler logged{service, auth, o};
    logged({"GET", base + list_query(), {}, {}});
    logged({"POST", base + "authentication/token", {}, R"({"username":"billing","password":"correct horse","organisation":"ps_dev"})"});
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("GET /crmapi/rest/v2/netflix/charges/list 200 ", 0) == 0);
    CHECK(lines[1].rfind("POST /crmapi/rest/v2/authentication/token 200 ", 0) == 0);
    for (const auto& line : lines) {
        CHECK(line.find(token) == std::string::npos);
        CHECK(line.find("correct horse") == std::string::npos);
    }
}

TEST_CASE_METHOD(fixture, "a token of another operator sees none of this operator's charges", "[http][isolation]")
{
    service.issue(op, a_charge("I1"));
    auth.add_user(operator_id{"other"}, "billing", "", "another password");
    const auto theirs = auth.login("billing", "another password", "other", std::nullopt).token;
    const auto listed = envelope_of(call("GET", base + "netflix/charges/list?number_of_results=5&charge_status=NOT_PROCESSED&offset=0&token=" + theirs));
    CHECK(listed.at("data").at("charges_set").as_array().empty());
    const auto r = post("netflix/charges/acknowledge", R"({"token":")" + theirs +
                                                          R"(","acknowledged_charges_set":[{"number":"I1","billing_system_customer_identifier":"customer-1"}]})");
    CHECK(envelope_of(r).at("data").at("failed_charges_set").at(0).at("error_code") == "2");
    CHECK_FALSE(service.find(op, "I1")->acknowledged);
}

TEST_CASE("a different base path moves every API route, not the operational ones", "[http][routes]")
{
    fixture f;
    http::handler_options o;
    o.base_path = "/api";
    http::handler moved{f.service, f.auth, o};
    CHECK(moved({"GET", "/api/netflix/charges/list?token=" + f.token + "&number_of_results=1&charge_status=PROCESSED&offset=0", {}, {}}).status == 200);
    CHECK(moved({"GET", "/crmapi/rest/v2/netflix/charges/list", {}, {}}).status == 404);
    CHECK(moved({"GET", "/healthz", {}, {}}).status == 200);
}
