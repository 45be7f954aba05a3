#pragma once

#include "http/Stage.h"

namespace cr {

// Keeps an acceptable incoming X-Request-Id, otherwise assigns a fresh one.
class RequestIdStage final : public Stage
{
public:
    const char *name() const override { return "request-id"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;
};

} // namespace cr
