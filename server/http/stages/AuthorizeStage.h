#pragma once

#include "http/Stage.h"

namespace cr {

// The route's least role: anonymous callers get 401, authenticated ones 403. Only then does a
// parameter of the wrong type become 404 (CONTRACT §1, order of refusals).
class AuthorizeStage final : public Stage
{
public:
    const char *name() const override { return "authorize"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;
};

} // namespace cr
