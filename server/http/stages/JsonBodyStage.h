#pragma once

#include "http/Stage.h"

namespace cr {

// For routes that take JSON: Content-Type must be application/json (415), the body must parse
// (400 INVALID_JSON, without parser details) and be an object (400 VALIDATION_ERROR).
// An empty body is an empty object.
class JsonBodyStage final : public Stage
{
public:
    const char *name() const override { return "json-body"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;
};

} // namespace cr
