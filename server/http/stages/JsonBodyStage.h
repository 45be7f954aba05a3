#pragma once

#include "http/Stage.h"
#include "protect/JsonLimits.h"

namespace cr {

// For routes that take JSON: Content-Type must be application/json (415), the body must parse
// (400 INVALID_JSON, without parser details) and be an object (400 VALIDATION_ERROR).
// An empty body is an empty object. Depth, member count and string length are bounded
// (400 VALIDATION_ERROR) before the body is parsed.
class JsonBodyStage final : public Stage
{
public:
    explicit JsonBodyStage(JsonLimits limits = {})
        : m_limits(limits)
    {}
    const char *name() const override { return "json-body"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

private:
    JsonLimits m_limits;
};

} // namespace cr
