#pragma once

#include "http/Stage.h"

namespace cr {

// Sets the body limit of this request (the route's override, else 0 for a route without a body
// and the server default for a JSON route) and refuses a declared Content-Length above it before
// any body byte is read.
class BodyLimitStage final : public Stage
{
public:
    explicit BodyLimitStage(qint64 defaultLimit)
        : m_default(defaultLimit)
    {}
    const char *name() const override { return "body-limit"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

private:
    qint64 m_default;
};

} // namespace cr
